"""Tencent's official Python SDK pointed at the sandbox's API over TLS (trusting the demo CA):
clients, and the two calls a merchant backend makes."""

import pytest
from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.faceid.v20180301 import faceid_client, models


def client(stack, secret_key=None):
    # The SDK passes its own CA bundle to requests, so REQUESTS_CA_BUNDLE would be ignored;
    # `certification` is its documented way to trust another CA.
    profile = ClientProfile(httpProfile=HttpProfile(endpoint=stack.api_endpoint, certification=stack.ca_file))
    cred = credential.Credential(stack.secret_id, secret_key or stack.secret_key)
    return faceid_client.FaceidClient(cred, "ap-singapore", profile)


def client_with(stack, **profile):
    """A client with another request method or signing, as the SDK's profiles allow."""
    method = profile.pop("req_method", "POST")
    http = HttpProfile(endpoint=stack.api_endpoint, certification=stack.ca_file, reqMethod=method)
    return faceid_client.FaceidClient(credential.Credential(stack.secret_id, stack.secret_key), "ap-singapore",
                                      ClientProfile(httpProfile=http, **profile))


def apply_request(stack, **fields):
    """An Apply request for the stack's RedirectURL with `fields` set."""
    request = models.ApplyWebVerificationBizTokenIntlRequest()
    request.RedirectURL = stack.redirect_url
    for name, value in fields.items():
        setattr(request, name, value)
    return request


def apply(faceid, stack, extra=None, **config):
    """Apply for a liveness-only flow (CheckMode 3) with `config` as further Config fields."""
    settings = models.WebVerificationConfigIntl()
    settings.CheckMode = 3
    for name, value in config.items():
        setattr(settings, name, value)
    return faceid.ApplyWebVerificationBizTokenIntl(apply_request(stack, Extra=extra, Config=settings))


def get(faceid, token):
    request = models.GetWebVerificationResultIntlRequest()
    request.BizToken = token
    return faceid.GetWebVerificationResultIntl(request)


def raises(code, call):
    """Runs call(), which must raise Tencent's `code` with a RequestId; returns the exception."""
    with pytest.raises(TencentCloudSDKException) as raised:
        call()
    assert raised.value.get_code() == code, raised.value
    assert raised.value.get_request_id()
    return raised.value
