# The layers of src/ (shared/design/ARCHITECTURE.md, "Layers"), read by src/CMakeLists.txt,
# which gives each module an include root that holds only its own folders and those of the
# modules it may use, and by cmake/CheckLayers.cmake (the `layering` test), which names any
# include of a folder a module may not use. One table for both.
#
# datamesh_layer_<module>_PATHS: the folders (or single headers) of src/ the module owns.
# datamesh_layer_<module>_USES: the modules it uses directly; it may include their headers and
# those of every module below them.

set(DATAMESH_LAYERS base core security aws store_sql store_sqlite store_postgres store_aws store_open
    api client server cli python)

set(datamesh_layer_base_PATHS base)
set(datamesh_layer_base_USES)

set(datamesh_layer_core_PATHS core)
set(datamesh_layer_core_USES base)

# Sealing of secrets at rest: an adapter of core's SecretSealer port.
set(datamesh_layer_security_PATHS security)
set(datamesh_layer_security_USES base core)

# AWS: Signature V4 (pure functions, shared by the client and the server) and the AWS client
# (endpoints, transport, protocols, retries, pagination).
set(datamesh_layer_aws_PATHS aws)
set(datamesh_layer_aws_USES base)

# The SQL layer under both SQL adapters of core's Store port, and what else they share (the
# re-entry guard, group commit).
set(datamesh_layer_store_sql_PATHS store/sql store/run_guard.h store/group_commit.h
    store/group_commit.cc)
set(datamesh_layer_store_sql_USES base core)

set(datamesh_layer_store_sqlite_PATHS store/sqlite)
set(datamesh_layer_store_sqlite_USES base core store_sql)

set(datamesh_layer_store_postgres_PATHS store/postgres)
set(datamesh_layer_store_postgres_USES base core store_sql)

# The AWS-mode store's DynamoDB data: the subscription tracker's items and requests (the
# original library's table), and the audit table's.
set(datamesh_layer_store_aws_PATHS store/aws)
set(datamesh_layer_store_aws_USES base core aws)

# Endpoint URLs and the opening of the store one names.
set(datamesh_layer_store_open_PATHS store/open)
set(datamesh_layer_store_open_USES base core store_sqlite store_postgres)

# The method declarations, field lists and JSON forms, the route table, the embedded backend.
set(datamesh_layer_api_PATHS api)
set(datamesh_layer_api_USES base core security store_sql store_open store_sqlite store_postgres)

# The client classes (DataMeshAdmin, ...), the remote backend and the endpoint dispatch that
# chooses between it and the embedded one.
set(datamesh_layer_client_PATHS client)
set(datamesh_layer_client_USES base core aws store_aws store_open api)

set(datamesh_layer_server_PATHS server)
set(datamesh_layer_server_USES base core aws security store_open api)

set(datamesh_layer_cli_PATHS cli)
set(datamesh_layer_cli_USES base core store_open api client server)

# The Python package's native module (python/native): calls by name through the client's
# endpoint dispatch. It owns no folder of src/.
set(datamesh_layer_python_PATHS)
set(datamesh_layer_python_USES base core store_open api client)

# The modules below `module`: those it uses, and theirs (a header of a module below may include
# the headers of the modules it uses).
function(datamesh_layer_below module out)
  set(below)
  set(queue ${datamesh_layer_${module}_USES})
  while(queue)
    list(POP_FRONT queue used)
    if(NOT used IN_LIST below)
      list(APPEND below ${used})
      list(APPEND queue ${datamesh_layer_${used}_USES})
    endif()
  endwhile()
  set(${out} ${below} PARENT_SCOPE)
endfunction()

# Every path of src/ the module may include: its own and those of the modules below it.
function(datamesh_layer_visible_paths module out)
  set(paths ${datamesh_layer_${module}_PATHS})
  datamesh_layer_below(${module} below)
  foreach(used IN LISTS below)
    list(APPEND paths ${datamesh_layer_${used}_PATHS})
  endforeach()
  set(${out} ${paths} PARENT_SCOPE)
endfunction()
