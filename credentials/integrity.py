"""W3C Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa).

Signing: the document without its proof, and the proof's options with the document's @context,
are each canonicalised with RDFC-1.0 (URDNA2015) and hashed with SHA-256; the Ed25519 signature
is over the proof options' hash followed by the document's, written as multibase base58btc.
Verifying repeats the same steps with the proof's own options and checks the signature.
"""

import copy
import datetime
import hashlib
import json
from dataclasses import dataclass

import base58
from cryptography.exceptions import InvalidSignature
from pyld import jsonld
from pyld.jsonld import JsonLdError

from .contexts import ContextRefused, document_loader
from .keys import IssuerKey, key_for_method, multibase_base58btc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"


class CanonicalisationError(Exception):
    """The document is not JSON-LD this service can canonicalise (e.g. an unknown context)."""


def _json_ld_error(error: JsonLdError) -> CanonicalisationError:
    cause = error
    while cause is not None:
        if isinstance(cause, ContextRefused):
            return CanonicalisationError(str(cause))
        cause = cause.__cause__ or getattr(cause, "cause", None)
    return CanonicalisationError(f"It is not valid JSON-LD ({error.type}).")


def canonical(document: dict) -> str:
    """RDFC-1.0 (URDNA2015) canonical N-Quads of `document`, contexts read from disk only."""
    try:
        return jsonld.normalize(
            document,
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": document_loader,
            },
        )
    except JsonLdError as error:
        raise _json_ld_error(error) from error


# Canonicalisation is fast for what we sign, but RDFC-1.0 permutes blank nodes that look alike:
# a 1.5 KB document of nested look-alike entries took 4.5 s here, and each entry more multiplies
# that. A document from outside is first read for that shape (in linear time) and refused.
MAX_NODES = 5_000
MAX_DEPTH = 32
# A record's credentials sit in graph containers (@graph), so graphs are read like properties.
_REFUSED_KEYWORDS = ("@reverse", "@included")


def _entry_shape(node: dict) -> str:
    """What RDFC-1.0 first sees of an entry: its values, and only the kind of what it links to."""

    def item(value) -> str:
        if isinstance(value, dict) and "@value" in value:
            return json.dumps(value, sort_keys=True)
        if isinstance(value, dict) and "@id" in value:
            return "@id " + str(value["@id"])
        return "entry" if isinstance(value, dict) else json.dumps(value)

    return json.dumps(
        {
            key: sorted(item(value) for value in (values if isinstance(values, list) else [values]))
            for key, values in node.items()
        },
        sort_keys=True,
    )


def costly_shape(document: dict) -> str | None:
    """Why canonicalising `document` could take far longer than its size suggests, in words; None
    when it is shaped like a credential. Read in its expanded form, where only what becomes RDF
    is left (unknown terms are dropped, so they cannot make look-alike entries seem different)."""
    try:
        expanded = jsonld.expand(document, {"documentLoader": document_loader})
    except JsonLdError as error:
        raise _json_ld_error(error) from error
    nodes = 0
    stack = [(expanded, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            return f"it is nested more than {MAX_DEPTH} levels deep."
        if isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
            continue
        if not isinstance(value, dict) or "@value" in value:
            continue
        nodes += 1
        if nodes > MAX_NODES:
            return f"it holds more than {MAX_NODES} entries."
        if str(value.get("@id", "")).startswith("_:"):
            return "it names blank nodes itself (an id starting with “_:”)."
        if keyword := next((key for key in _REFUSED_KEYWORDS if key in value), None):
            return f"it uses {keyword}, which no credential of ours holds."
        for key, items in value.items():
            if (key.startswith("@") and key != "@graph") or not isinstance(items, list):
                stack.append((items, depth + 1))
                continue
            # Entries without an id under one property must differ in what they directly say.
            shapes = [
                _entry_shape(item)
                for item in items
                if isinstance(item, dict) and not {"@id", "@value", "@list"} & item.keys()
            ]
            if len(shapes) != len(set(shapes)):
                return f"it holds look-alike entries under {key}."
            stack.append((items, depth + 1))
    return None


def _hash_data(unsecured: dict, proof_options: dict) -> bytes:
    options = {**proof_options, "@context": unsecured["@context"]}
    return (
        hashlib.sha256(canonical(options).encode("utf-8")).digest()
        + hashlib.sha256(canonical(unsecured).encode("utf-8")).digest()
    )


def _instant(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign(document: dict, key: IssuerKey, *, created: datetime.datetime) -> dict:
    """`document` with a Data Integrity proof by `key` for the purpose of an assertion."""
    unsecured = {name: value for name, value in document.items() if name != "proof"}
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": _instant(created),
        "verificationMethod": key.method_id,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsecured, options))
    # A list, as the Open Badges schema asks, even of one proof.
    return {**unsecured, "proof": [{**options, "proofValue": multibase_base58btc(signature)}]}


@dataclass(frozen=True)
class ProofCheck:
    """What checking a document's proof found, in words."""

    valid: bool
    message: str
    key: IssuerKey | None = None
    method: str = ""


def verify(document: dict) -> ProofCheck:
    """Check `document`'s eddsa-rdfc-2022 proof against the issuer's published keys."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            return ProofCheck(False, f"It carries {len(proof)} proofs; we sign with exactly one.")
        proof = proof[0]
    if not isinstance(proof, dict):
        return ProofCheck(
            False, "It has no proof: nothing says who issued it or that it is intact."
        )
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(
            False,
            f"Its proof is {proof.get('type')!r} with cryptosuite {proof.get('cryptosuite')!r}; "
            f"this service checks {PROOF_TYPE} with {CRYPTOSUITE}.",
        )
    if proof.get("proofPurpose") != "assertionMethod":
        return ProofCheck(False, "Its proof is not for the purpose of an assertion.")
    method = proof.get("verificationMethod")
    key = key_for_method(method) if isinstance(method, str) else None
    if key is None:
        return ProofCheck(
            False,
            f"It was signed with {method!r}, which is not a key this service publishes.",
            method=str(method),
        )
    value = proof.get("proofValue")
    try:
        if not isinstance(value, str) or not value.startswith("z"):
            raise ValueError
        signature = base58.b58decode(value[1:])
    except ValueError:
        return ProofCheck(False, "Its proof value is not a base58btc signature.", key, method)
    options = {name: item for name, item in proof.items() if name != "proofValue"}
    if "@context" in options and options["@context"] != document.get("@context"):
        return ProofCheck(
            False, "Its proof names contexts other than the credential's.", key, method
        )
    options.pop("@context", None)
    unsecured = {name: item for name, item in document.items() if name != "proof"}
    try:
        if problem := costly_shape(copy.deepcopy(unsecured)):
            return ProofCheck(False, f"It cannot be checked: {problem}", key, method)
        data = _hash_data(copy.deepcopy(unsecured), options)
    except CanonicalisationError as error:
        return ProofCheck(False, f"It cannot be read as signed data: {error}", key, method)
    try:
        key.public_key.verify(signature, data)
    except InvalidSignature:
        return ProofCheck(
            False,
            "The signature does not match the content: it has been changed since it was signed.",
            key,
            method,
        )
    return ProofCheck(True, "The signature matches the content.", key, method)
