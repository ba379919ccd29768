"""Where the original's Python signatures differ from the method declarations, as data.

The methods themselves come from the route table (_native.routes(), derived from
src/api/methods.h): each parameter of a route is a keyword of its Python method. This table
only adds what Python needs beyond that: the positional order of the documents' signatures
and the defaults they show (a default of None, or an unlisted parameter, is simply not sent,
so the declaration's own default applies). Every name here must be a parameter or an alias of
its route, and every method must exist: tests/python/test_signatures.py checks it, so the table
cannot drift from the declarations.

Key: (group, method). Value: a list of (name, default); a name without a default is a required
positional parameter. REQUIRED marks one. A name may also be one of the method's COMPATIBILITY
keywords (below).
"""

REQUIRED = object()

POSITIONAL = {
    ("admin", "initialize_mesh_account"): [("mesh_name", None)],
    ("admin", "initialize_producer_account"): [("crawler_role_arn", None)],
    ("admin", "enable_account_as_producer"): [("account_id", REQUIRED)],
    ("admin", "enable_account_as_consumer"): [("account_id", REQUIRED)],
    ("producer", "create_data_products"): [
        ("source_database_name", REQUIRED),
        ("create_public_metadata", True),
        ("table_name_regex", None),
        ("domain", None),
        ("data_product_name", None),
        ("sync_mesh_catalog_schedule", None),
        ("sync_mesh_crawler_role_arn", None),
        ("expose_data_mesh_db_name", None),
        ("expose_table_references_with_suffix", "_link"),
        ("use_original_table_name", False),
    ],
    ("producer", "get_data_product"): [("database_name", REQUIRED), ("table_name_regex", None)],
    ("producer", "approve_access_request"): [
        ("request_id", REQUIRED),
        ("grant_permissions", None),
        ("grantable_permissions", None),
        ("decision_notes", None),
    ],
    ("producer", "deny_access_request"): [("request_id", REQUIRED), ("decision_notes", None)],
    ("producer", "update_subscription_permissions"): [
        ("subscription_id", REQUIRED),
        ("grant_permissions", REQUIRED),
        ("notes", None),
        ("grantable_permissions", None),
    ],
    ("producer", "get_subscription"): [("request_id", REQUIRED)],
    ("producer", "delete_subscription"): [("subscription_id", REQUIRED), ("reason", REQUIRED)],
    # The document's order, not the code's (docs/DECISIONS.md, "request_access_to_product
    # parameter order").
    ("consumer", "request_access_to_product"): [
        ("owner_account_id", REQUIRED),
        ("database_name", REQUIRED),
        ("request_permissions", REQUIRED),
        ("tables", None),
    ],
    ("consumer", "finalize_subscription"): [("subscription_id", REQUIRED)],
    ("consumer", "get_subscription"): [("request_id", REQUIRED)],
    ("consumer", "delete_subscription"): [("subscription_id", REQUIRED), ("reason", REQUIRED)],
    ("consumer", "get_table_info"): [("database_name", REQUIRED), ("table_name", REQUIRED)],
}

# Keywords of the original's signatures that no declaration has (docs/DECISIONS.md, "Keywords
# of the original without a parameter"): the original's scripts pass them, so the methods take
# them; client.py translates a value datamesh can honour and refuses the others. Value: the
# type of each, as the route table names types.
COMPATIBILITY = {
    ("admin", "initialize_producer_account"): {"crawler_role_arn": "string"},
    ("producer", "create_data_products"): {"use_original_table_name": "bool"},
}

# Answers whose shape scripts read in two ways (issue 17 point 4; docs/PYTHON.md).
TWO_SHAPED_ANSWERS = {("producer", "get_subscription"), ("consumer", "get_subscription")}
