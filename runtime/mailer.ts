// Outgoing e-mail over SMTP (nodemailer) from the settings registry's `smtp` + `smtp_password`.
// One transport per use (settings can change between runs); timeouts bounded so a dead server
// never hangs a job or an admin's "test e-mail" request for long.
import { createTransport } from 'nodemailer'

export interface SmtpSettings {
  host: string
  port: number
  security: 'none' | 'starttls' | 'tls'
  user: string
  from: string
  tls_verify: boolean
}

export interface MailMessage {
  to: string
  subject: string
  text: string
  html: string
}

export interface Mailer {
  send(message: MailMessage): Promise<void>
  close(): void
}

export const smtpConfigured = (smtp: SmtpSettings) => smtp.host.trim() !== '' && smtp.from !== ''

export function createMailer(smtp: SmtpSettings, password: string): Mailer {
  const transport = createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    auth: smtp.user ? { user: smtp.user, pass: password } : undefined,
    tls: { rejectUnauthorized: smtp.tls_verify },
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  })
  return {
    async send(message) {
      await transport.sendMail({
        from: smtp.from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        textEncoding: 'base64',
      })
    },
    close: () => transport.close(),
  }
}

/** A short, admin-readable reason for an SMTP failure (no stack, no internals). */
export function smtpErrorText(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; response?: string; message?: string }
  const parts = [e.code, e.responseCode, e.response ?? e.message].filter(Boolean)
  return parts.join(' ').slice(0, 300)
}
