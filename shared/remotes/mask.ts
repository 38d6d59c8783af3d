// The mask shown in place of a secret value; sending it back unchanged means "keep the secret".
export const SECRET_MASK = '••••••';

// Option and field names whose values are secrets (passwords, keys, tokens): never shown back.
const SECRET_NAME = /(^|_)(pass|password|password2|secret|secret_access_key|client_secret|token|key|access_token|refresh_token|session_token|sas_url|service_account_credentials|api_key|bearer|key_pem|private_key|pem|key_base64)$/i;

// True when an option or object key names a secret.
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}
