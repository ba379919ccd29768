"""Helpers of data_mesh_util: constants, utils, the SubscriberTracker, and the generic client."""
