// The mask shown in place of a secret value; sending it back unchanged means "keep the secret".
export const SECRET_MASK = '••••••';
