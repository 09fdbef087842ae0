// The one password policy (API, YAML users sync, first admin, production config) and the strength
// of SECRET_KEY, both measured with zxcvbn-ts and its list of common passwords.
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'

const PASSWORD_MIN = 10
const PASSWORD_MAX = 200
/** zxcvbn's score: 0–1 are found within a million guesses (common passwords, keyboard rows). */
const MIN_SCORE = 2
/** the least SECRET_KEY strength production accepts, in bits (log2 of the guesses). */
export const SECRET_MIN_BITS = 128
export const SECRET_COMMAND = 'openssl rand -base64 48'

let estimator: ZxcvbnFactory | undefined
const strength = (value: string) => {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary },
    graphs: common.adjacencyGraphs,
  })
  return estimator.check(value)
}

/** What is wrong with a password, in Russian (what to change), or null when it is acceptable. */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length > PASSWORD_MAX) return `Пароль не длиннее ${PASSWORD_MAX} символов`
  if (password.trim() === '') return 'Пароль не может состоять только из пробелов'
  if (password.length < PASSWORD_MIN) return `Пароль не короче ${PASSWORD_MIN} символов`
  if (new Set(password).size === 1) {
    return 'Пароль не может состоять из одного повторяющегося символа'
  }
  if (username && password.trim().toLowerCase() === username.trim().toLowerCase()) {
    return 'Пароль не должен совпадать с логином'
  }
  if (strength(password).score < MIN_SCORE) {
    return 'Пароль слишком простой (распространённый или легко угадывается): добавьте несколько слов, цифры или знаки'
  }
  return null
}

/** An estimate of a key's strength in bits: log2 of the guesses zxcvbn needs. */
export const secretBits = (value: string): number =>
  Math.floor(strength(value).guessesLog10 * Math.log2(10))
