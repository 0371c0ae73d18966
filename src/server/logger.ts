import pino, { type Logger } from 'pino';

/** JSON logs with secrets redacted; every request line carries `requestId`. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'mvid' },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["dpop"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.passphrase',
        '*.client_secret',
        '*.privateKey',
        '*.secretAccessKey',
        '*.blobS3SecretAccessKey',
        '*.tagServiceToken',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}
