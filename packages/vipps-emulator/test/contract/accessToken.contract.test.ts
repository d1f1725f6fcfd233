import { credentialHeaders, httpRequest, startTestEmulator, type TestEmulator } from '../support/emulator';
import { ACCESS_TOKEN_ERROR_SCHEMA, type CheckOptions, ContractSpec, SPEC_FILES, expectStatus } from './openApiContract';

/** POST /accesstoken/get (developer-site spec 2.0.0). */

const AZURE_BODY: CheckOptions = {
  undescribedBody: { schema: ACCESS_TOKEN_ERROR_SCHEMA, mediaType: 'application/json', why: 'the spec lists 400/401 without a body; the real endpoint sends an Azure AD error' },
};

let spec: ContractSpec;
let emu: TestEmulator;
beforeAll(async () => {
  spec = await ContractSpec.load(SPEC_FILES.accessToken);
  emu = await startTestEmulator();
});
afterAll(() => emu.close());

describe('fetchAuthorizationTokenUsingPost responses conform to the spec', () => {
  it('200 AuthorizationTokenResponse with application/json;charset=UTF-8', async () => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: credentialHeaders(emu.config) });
    spec.check('fetchAuthorizationTokenUsingPost', expectStatus(res, 200));
  });

  it('401 for bad credentials, with the Azure AD error body', async () => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: { ...credentialHeaders(emu.config), client_secret: 'nope' } });
    spec.check('fetchAuthorizationTokenUsingPost', expectStatus(res, 401), AZURE_BODY);
  });

  it('400 for a too long Vipps-System-Name, with the Azure AD error body', async () => {
    const res = await httpRequest(emu.url, 'POST', '/accesstoken/get', { headers: { ...credentialHeaders(emu.config), 'Vipps-System-Name': 'n'.repeat(31) } });
    spec.check('fetchAuthorizationTokenUsingPost', expectStatus(res, 400), AZURE_BODY);
  });
});
