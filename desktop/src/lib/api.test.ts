// The one place a failed answer becomes its words: each kind reads differently (lib/api.ts).
import { describe, expect, it } from 'vitest'
import { Api, ApiError, errorKind, failureMessage, SESSION_EXPIRED } from './api.ts'

const answer = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })

describe('failureMessage', () => {
  it('401: a signed-in request says the session ended; a sign-in keeps the server’s reason', () => {
    expect(failureMessage(401, { error: 'Требуется вход в систему' }, true)).toBe(SESSION_EXPIRED)
    expect(failureMessage(401, { error: 'Неверный логин или пароль' }, false)).toBe(
      'Неверный логин или пароль',
    )
  })

  it('404 says «не найдено»', () => {
    expect(failureMessage(404, { error: 'Договор не найден' }, true)).toBe('Договор не найден')
    expect(failureMessage(404, { error: 'Нет такого адреса' }, true)).toBe(
      'Не найдено: Нет такого адреса',
    )
    expect(failureMessage(404, {}, true)).toMatch(/^Не найдено: /)
  })

  it('409 names who changed the record and when', () => {
    const text = failureMessage(
      409,
      {
        error: 'Запись уже изменил другой пользователь',
        changed_by: 'Сидорова Е. В.',
        changed_at: '2026-12-03T06:05:00Z',
      },
      true,
    )
    expect(text).toMatch(
      /^Запись уже изменил другой пользователь \(изменил\(а\) Сидорова Е\. В\. в 03\.12, \d\d:05\)$/,
    )
    expect(failureMessage(409, { error: 'Оборудование уже в архиве' }, true)).toBe(
      'Оборудование уже в архиве',
    )
  })

  it('5xx is the server’s fault, to retry', () => {
    expect(failureMessage(500, {}, true)).toBe('Ошибка сервера, повторите попытку позже')
    expect(failureMessage(500, { error: 'Внутренняя ошибка сервера' }, true)).toBe(
      'Ошибка сервера, повторите попытку позже (Внутренняя ошибка сервера)',
    )
    expect(
      failureMessage(503, { error: 'База данных недоступна, повторите попытку позже' }, true),
    ).toBe('Ошибка сервера: База данных недоступна, повторите попытку позже')
  })

  it('the rest is the server’s own message', () => {
    expect(failureMessage(400, { error: 'Проверьте поля запроса' }, true)).toBe(
      'Проверьте поля запроса',
    )
  })
})

describe('the API helper', () => {
  it('a 401 on a signed-in request ends the session once and throws the kind', async () => {
    const api = new Api('http://x', async () => answer(401, { error: 'Требуется вход в систему' }))
    api.token = 't'
    let ended = 0
    api.onUnauthorized = () => ended++
    const e = await api.get('/api/audit').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(ApiError)
    expect(errorKind(e)).toBe('unauthorized')
    expect((e as ApiError).message).toBe(SESSION_EXPIRED)
    expect(ended).toBe(1)
  })

  it('404, 409 and 500 come back as their kinds with their words', async () => {
    const statuses = [404, 409, 500]
    const api = new Api('http://x', async (input) =>
      answer(Number(String(input).split('/').pop()), { error: 'Не найдено' }),
    )
    const kinds = await Promise.all(
      statuses.map((s) => api.get(`/api/x/${s}`).catch((e: unknown) => errorKind(e))),
    )
    expect(kinds).toEqual(['not-found', 'conflict', 'server'])
  })
})
