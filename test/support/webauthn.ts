/** The software WebAuthn authenticator lives with the demo (src/cli/demo), which drives it the same way. */
export {
  type CreationOptions,
  cbor,
  type RequestOptions,
  SoftwareAuthenticator as TestAuthenticator,
} from '../../src/cli/demo/authenticator.ts';
