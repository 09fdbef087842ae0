// Why a domain refused a user's bind, in Russian. Active Directory answers every refused bind
// with result 49 and a sub-code in the message ("AcceptSecurityContext error, data 52e, v4563");
// OpenLDAP's ppolicy overlay answers with an error in the password policy response control.
export type BindRefusal =
  | 'wrong_password'
  | 'disabled'
  | 'password_expired'
  | 'must_change'
  | 'locked'
  | 'account_expired'
  | 'restricted'

export const WRONG_CREDENTIALS = 'Неверный логин или пароль'

export const REFUSAL_MESSAGES: Record<BindRefusal, string> = {
  wrong_password: WRONG_CREDENTIALS,
  disabled: 'Учётная запись Windows отключена. Обратитесь к администратору домена',
  password_expired:
    'Срок действия пароля Windows истёк. Смените пароль в Windows (Ctrl+Alt+Del → «Сменить пароль») и войдите снова',
  must_change:
    'Пароль Windows нужно сменить перед первым входом. Смените его в Windows и войдите снова',
  locked: 'Учётная запись Windows заблокирована доменом. Обратитесь к администратору домена',
  account_expired: 'Срок действия учётной записи Windows истёк. Обратитесь к администратору домена',
  restricted: 'Вход этой учётной записи Windows сейчас запрещён политикой домена',
}

/** AD's sub-codes (the hex after "data") of a refused bind. */
const AD_SUB_CODES: Record<string, BindRefusal> = {
  '525': 'wrong_password', // no such user: told apart from a wrong password by nobody
  '52e': 'wrong_password',
  '530': 'restricted', // not permitted to log on at this time
  '531': 'restricted', // not permitted to log on at this workstation
  '532': 'password_expired',
  '533': 'disabled',
  '701': 'account_expired',
  '773': 'must_change',
  '775': 'locked',
}

/** The refusal an AD bind error message names; a wrong password when it names none. */
export function adRefusal(message: string): BindRefusal {
  const code = /\bdata ([0-9a-f]{3,8})\b/i.exec(message)?.[1]?.toLowerCase()
  return (code && AD_SUB_CODES[code]) || 'wrong_password'
}

/** ppolicy's PasswordPolicyResponseValue error (RFC draft-behera-ldap-password-policy). */
export function ppolicyRefusal(error: number | null): BindRefusal | null {
  if (error === 0) return 'password_expired'
  if (error === 1) return 'locked'
  if (error === 2) return 'must_change'
  return null
}
