import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { digest, ES256, generateSalt } from '@sd-jwt/crypto-nodejs';
import { getListFromStatusListJWT, StatusList, createHeaderAndPayload } from '@sd-jwt/jwt-status-list';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import type { JwtPayload } from '@sd-jwt/types';
import { agePredicates, setStatus, vctFor } from '../credentials/index.ts';
import { PresentationError } from './errors.ts';
import { signCompactJws } from './jws.ts';
import type { JsonWebKey } from './jws.ts';
import { presentCredential } from './present.ts';
import { AUDIENCE, kit, NONCE, NOW, PUBLIC_URL, STATUS_URI } from '../credentials/testkit.ts';
import { verifyPresentation } from './verify.ts';

/**
 * mvid must speak the same SD-JWT VC as everyone else: what it issues verifies
 * with the reference library configured from the published JWKS alone, and what
 * that library issues and presents verifies with mvid's SDK.
 */
const nowSeconds = Math.floor(NOW.getTime() / 1000);

describe('mvid → @sd-jwt/sd-jwt-vc', () => {
  test('SDJwtVcInstance.verify accepts an mvid presentation, key binding and status list included', async () => {
    const k = kit();
    const [credential = ''] = await k.issue('age', { ...agePredicates('2001-01-01', NOW) });
    const presentation = await presentCredential(credential, {
      disclose: ['age_over_18', 'age_over_21'],
      holderPrivateKey: k.holder.privateKey,
      audience: AUDIENCE,
      nonce: NONCE,
      now: NOW,
    });
    const published = JSON.parse(JSON.stringify(k.jwks)) as typeof k.jwks; // as a world would fetch it
    const issuerVerifier = await ES256.getVerifier(published.keys[0] ?? {});
    const verifier = new SDJwtVcInstance({
      hasher: digest,
      verifier: issuerVerifier,
      kbVerifier: async (data: string, sig: string, payload: JwtPayload) => (await ES256.getVerifier(payload.cnf?.jwk ?? {}))(data, sig),
      statusListFetcher: async (uri: string) => (uri === STATUS_URI ? k.statusToken() : ''),
    });
    const result = await verifier.verify(presentation, {
      keyBindingNonce: NONCE,
      currentDate: nowSeconds,
      requiredClaimKeys: ['age_over_18'],
    });
    assert.equal(result.payload.vct, vctFor(PUBLIC_URL, 'age'));
    assert.equal(result.payload.age_over_18, true);
    assert.equal(result.payload.age_over_13, undefined);
    assert.equal(result.kb?.payload.aud, AUDIENCE);
    assert.equal(result.header?.typ, 'dc+sd-jwt');

    // and the library sees a revocation in mvid's list
    const idx = result.payload.status?.status_list.idx ?? -1;
    setStatus(k.list, idx, true);
    await assert.rejects(verifier.verify(presentation, { keyBindingNonce: NONCE, currentDate: nowSeconds }), /Status is not valid/);
  });

  test("mvid's status-list JWT decodes with the library's reader", async () => {
    const k = kit();
    setStatus(k.list, 77_777, true);
    const list = getListFromStatusListJWT(k.statusToken());
    assert.equal(list.getStatus(77_777), 1);
    assert.equal(list.getStatus(77_778), 0);
    assert.equal(list.statusList.length, 2 ** 17);
  });
});

describe('@sd-jwt/sd-jwt-vc → mvid', () => {
  async function libraryIssuer(typ?: string) {
    const issuerKeys = await ES256.generateKeyPair();
    const holderKeys = await ES256.generateKeyPair();
    const sdjwt = new SDJwtVcInstance({
      signer: await ES256.getSigner(issuerKeys.privateKey),
      signAlg: 'ES256',
      hasher: digest,
      hashAlg: 'sha-256',
      saltGenerator: generateSalt,
      kbSigner: await ES256.getSigner(holderKeys.privateKey),
      kbSignAlg: 'ES256',
    });
    const iss = 'https://issuer.example';
    const credential = await sdjwt.issue(
      {
        iss,
        vct: 'https://issuer.example/types/member',
        iat: nowSeconds,
        exp: nowSeconds + 3600,
        cnf: { jwk: holderKeys.publicKey },
        organisation: 'Guild of Builders',
        role: 'treasurer',
        nicknames: ['ada', 'countess'],
        address: { locality: 'Lyon', country: 'FR' },
      },
      {
        _sd: ['organisation', 'role', 'nicknames', 'address'],
        nicknames: { _sd: [0, 1] },
        address: { _sd: ['locality', 'country'] },
        _sd_decoy: 2,
      },
      { header: { kid: 'lib-1', ...(typ === undefined ? {} : { typ }) } },
    );
    const trustedIssuers = [{ iss, jwks: { keys: [{ ...issuerKeys.publicKey, kid: 'lib-1' }] } }];
    return { sdjwt, credential, trustedIssuers, holderKeys };
  }

  test('verifyPresentation accepts a library-issued, library-presented SD-JWT VC', async () => {
    const { sdjwt, credential, trustedIssuers } = await libraryIssuer();
    const presentation = await sdjwt.present(
      credential,
      { organisation: true, nicknames: { 1: true }, address: { country: true } },
      { kb: { payload: { iat: nowSeconds, aud: AUDIENCE, nonce: NONCE } } },
    );
    const result = await verifyPresentation(presentation, {
      audience: AUDIENCE,
      nonce: NONCE,
      trustedIssuers,
      now: NOW,
      requiredClaims: ['organisation'],
    });
    assert.deepEqual(result.claims, { organisation: 'Guild of Builders', nicknames: ['countess'], address: { country: 'FR' } });
  });

  test('the legacy typ vc+sd-jwt is accepted', async () => {
    const { sdjwt, credential, trustedIssuers } = await libraryIssuer('vc+sd-jwt');
    const presentation = await sdjwt.present(
      credential,
      { role: true },
      { kb: { payload: { iat: nowSeconds, aud: AUDIENCE, nonce: NONCE } } },
    );
    const result = await verifyPresentation(presentation, { audience: AUDIENCE, nonce: NONCE, trustedIssuers, now: NOW });
    assert.deepEqual(result.claims, { role: 'treasurer' });
  });

  test('presentCredential discloses a nested claim of a library credential whole', async () => {
    const { credential, trustedIssuers, holderKeys } = await libraryIssuer();
    const presentation = await presentCredential(credential, {
      disclose: ['address'],
      holderPrivateKey: holderKeys.privateKey as JsonWebKey,
      audience: AUDIENCE,
      nonce: NONCE,
      now: NOW,
    });
    const result = await verifyPresentation(presentation, { audience: AUDIENCE, nonce: NONCE, trustedIssuers, now: NOW });
    assert.deepEqual(result.claims, { address: { locality: 'Lyon', country: 'FR' } });
  });

  test('a library presentation without key binding is kb_missing', async () => {
    const { sdjwt, credential, trustedIssuers } = await libraryIssuer();
    const presentation = await sdjwt.present(credential, { role: true });
    await assert.rejects(
      verifyPresentation(presentation, { audience: AUDIENCE, nonce: NONCE, trustedIssuers, now: NOW }),
      (e: unknown) => e instanceof PresentationError && e.code === 'kb_missing',
    );
  });

  test('the SDK reads a status list built by the library', async () => {
    const k = kit();
    const list = new StatusList(new Array<number>(2 ** 17).fill(0), 1);
    list.setStatus(1000, 1);
    const { header, payload } = createHeaderAndPayload(
      list,
      { iss: PUBLIC_URL, sub: STATUS_URI, iat: nowSeconds, exp: nowSeconds + 600 },
      { alg: 'ES256', typ: 'statuslist+jwt', kid: 'mvid-1' },
    );
    const token = signCompactJws(header, payload, k.issuerKeys.privateKey);
    const [credential = ''] = await k.issue('personhood', { verified_human: true }); // gets idx 1000
    const presentation = await presentCredential(credential, {
      disclose: ['verified_human'],
      holderPrivateKey: k.holder.privateKey,
      audience: AUDIENCE,
      nonce: NONCE,
      now: NOW,
    });
    await assert.rejects(
      verifyPresentation(presentation, k.options({ statusLists: { get: () => token } })),
      (e: unknown) => e instanceof PresentationError && e.code === 'credential_revoked',
    );
  });
});
