"""What the API shows and accepts, a module a resource. Serializers read and check input; writes go to the
services (api.views)."""
