// The console's one API client, derived from the method table the build generates from the
// method declarations (src/server/console_methods.h): `call('producer/approve_access_request',
// request)` checks the request against the method's fields, adds a client_token to a write
// (one per action: a retried click acts once), signs it (sigv4.js) and POSTs it to the method's
// route, the same route and authorization every other client uses.
import table from 'datamesh:methods';
import { signedHeaders } from './sigv4.js';

export const methods = Object.fromEntries(
  table.Methods.map((m) => [`${m.Group}/${m.Name}`, m]));

export class ApiError extends Error {
  constructor({ status, code, message, retryAfter }) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }
}

function newClientToken() {
  return crypto.randomUUID();
}

// Runs `name` ("group/method") with `request` as the signing key `signing` allows. A write's
// client_token is `token` when given (the same action retried), else a new one.
export async function call(signing, name, request = {}, { token } = {}) {
  const method = methods[name];
  if (!method) throw new ApiError({ status: 0, code: 'Unknown', message: `no method ${name}` });
  const body = {};
  for (const field of method.Fields) {
    // A field may be given by its other spelling (request_id for subscription_id).
    const value = request[field.Name] ?? (field.Alias ? request[field.Alias] : undefined);
    if (value !== undefined && value !== null && value !== '') body[field.Name] = value;
    else if (field.Required && field.Name !== 'client_token') {
      throw new ApiError({ status: 400, code: 'InvalidArgument',
                           message: `${field.Name} is required: ${field.Help}` });
    }
  }
  for (const key of Object.keys(request)) {
    if (!method.Fields.some((f) => f.Name === key || f.Alias === key)) {
      throw new ApiError({ status: 400, code: 'InvalidArgument',
                           message: `${name} takes no field ${key}` });
    }
  }
  if (method.TakesClientToken) body.client_token = token || newClientToken();
  const text = JSON.stringify(body);
  const headers = await signedHeaders({ path: method.Path, host: location.host, body: text,
                                        signing, now: new Date() });
  let response;
  try {
    response = await fetch(method.Path, { method: 'POST', headers, body: text,
                                          credentials: 'omit', cache: 'no-store' });
  } catch (e) {
    throw new ApiError({ status: 0, code: 'Network',
                         message: 'the server did not answer (network error or server down)' });
  }
  let answer = {};
  try {
    answer = await response.json();
  } catch {
    answer = {};
  }
  if (!response.ok) {
    const error = answer.Error || {};
    throw new ApiError({ status: response.status, code: error.Code || `HTTP ${response.status}`,
                         message: error.Message || response.statusText,
                         retryAfter: response.headers.get('Retry-After') });
  }
  return answer;
}

// Whether the server refused a signature for its date: the computer's clock is more than the
// server's window (5 minutes) away from the server's, which no key or secret would fix.
export function clockIsOff(error) {
  return error.status === 401 && /is more than .* from the server's time/.test(error.message || '');
}

export function clockMessage(error) {
  const server = /server's time (\d{8}T\d{6}Z)/.exec(error.message || '');
  const at = server ? ` (the server's time is ${server[1].replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3 $4:$5:$6 UTC')})` : '';
  return `This computer's clock is off by more than the server allows${at}: every call is signed with the time. Set the clock right, then sign in again.`;
}

// Whether doing the same again may succeed: the server unreachable, busy, throttling, failing,
// or a write that raced another. A refusal of the request itself (its values, the caller's
// rights, something missing or in the wrong state, the clock) fails again the same way.
export function isRetryable(error) {
  if (clockIsOff(error)) return false;
  if (error.status === 409) return error.code === 'Aborted';
  return error.status === 0 || error.status === 429 || error.status >= 500 || error.status === undefined;
}

// What an error means for the person, and what to do.
export function explain(error) {
  const message = error.message || String(error);
  if (clockIsOff(error)) {
    return { title: 'This computer\'s clock is off.', hint: clockMessage(error), message };
  }
  switch (error.status) {
    case 0: return { title: 'The server could not be reached.', hint: 'Check the connection or ask the operator whether `datamesh serve` is running, then try again.', message };
    case 400: return { title: 'The request was not accepted.', hint: 'Correct the value named below and try again.', message };
    case 401: return { title: 'Your access key was not accepted.', hint: 'Sign in again; if it keeps failing, the key may have been revoked: ask a mesh admin for a new one.', message };
    case 403: return { title: 'Your account may not do this.', hint: 'Ask a mesh admin for the role this needs (producer, consumer or admin).', message };
    case 404: return { title: 'It was not found.', hint: 'It may have been deleted meanwhile: reload the list.', message };
    case 409:
      if (error.code === 'AlreadyExists') return { title: 'It already exists.', hint: 'Choose another name or id, or use the existing one.', message };
      if (error.code === 'Aborted') return { title: 'It changed meanwhile.', hint: 'Reload to see its current state, then try again.', message };
      return { title: 'It is in a state that does not allow this.', hint: 'Reload to see its current state, then decide again.', message };
    case 429: return { title: 'Too many requests.', hint: `Wait ${error.retryAfter || 'a few'} seconds and try again.`, message };
    case 503: return { title: 'The server is busy or its store is unavailable.', hint: 'Try again in a moment.', message };
    default: return { title: 'The server failed to do this.', hint: 'Try again; if it persists, tell the operator (the server log has the details).', message };
  }
}
