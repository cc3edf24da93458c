"""The demo merchant site as nginx serves it: static pages, no external assets."""

import re


def test_start_page_links_to_the_flow(stack, browser):
    page = browser.get(stack.site_url + "/")
    assert page.status == 200
    html = page.body.decode()
    assert 'href="/ekyc/start"' in html
    assert re.search(r'<form[^>]+action="/ekyc/start"[^>]+enctype="multipart/form-data"', html)


def test_pages_load_nothing_from_elsewhere(stack, browser):
    for path in ("/", "/verified.html", "/verified.js", "/style.css"):
        page = browser.get(stack.site_url + path)
        assert page.status == 200, path
        assert not re.search(rb'(src|href)="(https?:)?//', page.body), path


def test_result_page_is_not_cached(stack, browser):
    page = browser.get(stack.site_url + "/verified.html?token=81EEF678-28EE-4759-A82E-6CBBBE6BC442")
    assert page.status == 200
    assert page.header("cache-control") == "no-store"
