"""The errors a call raises: one base class, one subclass per error code of the project
(src/api/errors.h), each also the built-in type scripts of the original catch (docs/PYTHON.md,
"Exceptions").

The message is the project's message, the same text the CLI prints after the code.
"""

from data_mesh_util import _native


class DataMeshError(Exception):
    """Base of every error a data_mesh_util call raises. ``code`` is the project's code name."""

    code = "Internal"

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# code name -> the built-in type the class also is (None: only DataMeshError / Exception).
BUILTIN_BASES = {
    "InvalidArgument": ValueError,
    "NotFound": LookupError,
    "AlreadyExists": ValueError,
    "PermissionDenied": PermissionError,
    "Unauthenticated": PermissionError,
    "FailedPrecondition": RuntimeError,
    "Aborted": RuntimeError,
    "Unavailable": ConnectionError,
    "DataLoss": RuntimeError,
    "DeadlineExceeded": TimeoutError,
    "ResourceExhausted": RuntimeError,
    "Unimplemented": NotImplementedError,
    "Internal": RuntimeError,
}

_BY_CODE = {}


def _define(code):
    builtin = BUILTIN_BASES.get(code, RuntimeError)
    cls = type(code, (DataMeshError, builtin), {
        "code": code,
        "__doc__": f"The project's {code} error; also a {builtin.__name__}.",
        "__module__": __name__,
        "__str__": lambda self: self.message,
    })
    globals()[code] = cls
    _BY_CODE[code] = cls
    return cls


for _code in _native.error_codes():
    _define(_code)


def error_for(code, message):
    """The exception for the project's error `code` (unknown codes: Internal)."""
    return _BY_CODE.get(code, _BY_CODE["Internal"])(message)


__all__ = ["DataMeshError", "error_for", *sorted(_BY_CODE)]
