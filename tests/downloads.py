"""Following a stored file's download as a browser does: the permission-checked view redirects to
a short-lived link, served by the site's own middleware (local storage) or by the S3 store."""

import urllib.request

from workforce.downloads import PREFIX


def downloaded(client, path: str) -> bytes:
    """The bytes `client` gets by following the view at `path` to its link, wherever it leads."""
    issued = client.get(path)
    assert issued.status_code == 302, (path, issued.status_code)
    link = issued["Location"]
    if link.startswith(PREFIX):
        response = client.get(link)
        assert response.status_code == 200, (link, response.status_code)
        return b"".join(response.streaming_content)
    with urllib.request.urlopen(link, timeout=10) as answer:  # noqa: S310 - the test's own store
        return answer.read()
