"""The original's constants (reference §1.3): tag keys, policy and role names, the
subscription table's names, and the block names of a credentials file."""

# Blocks of a CredentialsFile (load_client_info_from_file).
MESH = "Mesh"
PRODUCER = "Producer"
CONSUMER = "Consumer"
PRODUCER_ADMIN = "ProducerAdmin"
CONSUMER_ADMIN = "ConsumerAdmin"
CREDENTIAL_BLOCKS = (MESH, PRODUCER, CONSUMER, PRODUCER_ADMIN, CONSUMER_ADMIN)

DOMAIN_TAG_KEY = "Domain"
DATA_PRODUCT_TAG_KEY = "DataProduct"
PRODUCER_POLICY_NAME = "DataMeshProducerAccess"
CONSUMER_POLICY_NAME = "DataMeshConsumerAccess"

DATA_MESH_IAM_PATH = "/AwsDataMesh/"
DATA_MESH_MANAGER_ROLENAME = "DataMeshManager"
DATA_MESH_ADMIN_READ_ONLY_ROLENAME = "DataMeshAdminReadOnly"
DATA_MESH_ADMIN_PRODUCER_ROLENAME = "DataMeshAdminProducer"  # + "-<producer account>"
DATA_MESH_ADMIN_CONSUMER_ROLENAME = "DataMeshAdminConsumer"  # + "-<consumer account>"
DATA_MESH_PRODUCER_ROLENAME = "DataMeshProducer"
DATA_MESH_CONSUMER_ROLENAME = "DataMeshConsumer"

SUBSCRIPTIONS_TRACKER_TABLE = "AwsDataMeshSubscriptions"
OWNER_PRINCIPAL_INDEX = "AwsDataMeshSubscriptions-Owner"
SUBSCRIBER_PRINCIPAL_INDEX = "AwsDataMeshSubscriptions-Subscriber"

DEFAULT_TAGS = {"Solution": "DataMeshUtils"}
DEFAULT_CRAWLER_SCHEDULE = "cron(0 */4 * * ? *)"
DEFAULT_LINK_SUFFIX = "_link"

# Subscription statuses, exactly as the tracker stores them.
STATUS_PENDING = "Pending"
STATUS_ACTIVE = "Active"
STATUS_DENIED = "Denied"
STATUS_DELETED = "Deleted"
