"""django-axes' backend for the test settings, letting `Client.login()` through.

`Client.login()` authenticates without a request, which AxesStandaloneBackend refuses with an error;
the tests that sign in that way are not about the throttle. Every sign-in that comes with a request
(the login pages, in every test) is throttled as in production.
"""
from axes.backends import AxesStandaloneBackend


class RequestOptionalAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
