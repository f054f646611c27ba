import pino, { type Logger } from 'pino';
import type { Config } from './config';

/** Structured JSON logs; secrets never reach them. */
export function createLogger(config: Pick<Config, 'logLevel'>, name = 'ipay'): Logger {
  return pino({
    name,
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.secret'],
      censor: '[redacted]',
    },
  });
}
