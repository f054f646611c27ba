import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { Config } from './config';

/** Path segments and query values that grant access by themselves: pay links, stream tickets, card codes. */
const SECRET_PATH = /\/(api\/session|pay|card|api\/cards)\/[^/?#]+/g;
const SECRET_QUERY = /([?&](?:token|ticket|code|api_key)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PATH, '/$1/[redacted]').replace(SECRET_QUERY, '$1[redacted]');
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/**
 * Structured JSON logs on standard output (or `destination`); secrets (credentials, and tokens carried in URLs)
 * never reach them.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  name = 'ipay',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    name,
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: redactUrl(req.url ?? ''),
        host: req.host ?? req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
