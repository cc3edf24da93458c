"""Tencent's official Python SDK against the sandbox's API over TLS (trusting the demo CA):
the sandbox speaks the real wire protocol, signing included."""

import pytest
from tencentcloud.common import credential
from tencentcloud.faceid.v20180301 import faceid_client

from flow import BIZ_TOKEN
from tencent_sdk import apply, client, client_with, get, raises


def test_apply_then_get_before_and_after_the_user_finishes(stack, browser):
    faceid = client(stack)
    applied = apply(faceid, stack, extra="sdk-test")
    assert BIZ_TOKEN.match(applied.BizToken)
    assert applied.VerificationURL == stack.page_url + "/reflect/?token=" + applied.BizToken
    assert applied.RequestId

    pending = get(faceid, applied.BizToken)
    assert pending.ErrorCode is None
    assert pending.RequestId

    assert browser.get(applied.VerificationURL).status == 200
    finished = browser.post_form(stack.page_url + "/reflect/finish", {"token": applied.BizToken, "outcome": "pass"})
    assert finished.status == 303

    result = get(faceid, applied.BizToken)
    assert result.ErrorCode == 0
    assert result.ErrorMsg
    assert result.Extra == "sdk-test"
    assert len(result.VerificationDetailList) == 1
    assert result.VerificationDetailList[0].ErrorCode == 0


def test_wrong_secret_key_is_a_signature_failure(stack):
    raises("AuthFailure.SignatureFailure", lambda: apply(client(stack, secret_key="x" * len(stack.secret_key)), stack))


@pytest.mark.parametrize("profile", [{"req_method": "GET"}, {"req_method": "GET", "signMethod": "HmacSHA256"},
                                     {"signMethod": "HmacSHA256"}], ids=["tc3-get", "hmacsha256-get", "hmacsha256-post-form"])
def test_get_and_older_signing_work_as_on_tencent(stack, browser, profile):
    """The SDK's GET (parameters in the query, Config flattened to Config.CheckMode=3) and its
    older HmacSHA256 signing: answered as JSON like any call, never a 404 page."""
    faceid = client_with(stack, **dict(profile))
    applied = apply(faceid, stack, extra="sdk-get")
    assert BIZ_TOKEN.match(applied.BizToken)
    assert get(faceid, applied.BizToken).ErrorCode is None
    assert browser.post_form(stack.page_url + "/reflect/finish", {"token": applied.BizToken, "outcome": "pass"}).status == 303
    result = get(faceid, applied.BizToken)
    assert result.ErrorCode == 0 and result.Extra == "sdk-get"
    # Liveness only: no comparison ran, so none is reported (Tencent's documented example).
    assert result.VerificationDetailList[0].CompareErrorCode is None
    assert result.VerificationDetailList[0].Similarity == 0


def test_older_signing_with_a_wrong_key_is_a_signature_failure(stack):
    faceid = faceid_client.FaceidClient(credential.Credential(stack.secret_id, "y" * len(stack.secret_key)), "ap-singapore",
                                        client_with(stack, req_method="GET", signMethod="HmacSHA256").profile)
    raises("AuthFailure.SignatureFailure", lambda: get(faceid, "00000000-0000-4000-8000-000000000000"))
