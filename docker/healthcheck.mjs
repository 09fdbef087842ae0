// The image's HEALTHCHECK: GET /api/health on this container (HTTPS when a certificate is
// configured; the check talks to itself, so the certificate's name is not verified).
import { request as http } from 'node:http'
import { request as https } from 'node:https'

const tls = Boolean(process.env.TLS_CERT_FILE)
const req = (tls ? https : http)(
  {
    host: '127.0.0.1',
    port: Number(process.env.PORT || 8000),
    path: '/api/health',
    timeout: 4000,
    rejectUnauthorized: false,
  },
  (res) => process.exit(res.statusCode === 200 ? 0 : 1),
)
req.on('error', () => process.exit(1))
req.on('timeout', () => req.destroy())
req.end()
