/**
 * The log's origin line, derived from the public URL the way tlog-tiles recommends:
 * the URL prefix of the log without its scheme, so `https://id.example/mvid` serves
 * the log under `https://id.example/mvid/log/` with origin `id.example/mvid/log`. The
 * log's note key carries the same name, so a verifier key names the log it checks.
 */
import { MvidError } from '../core/index.ts';
import { isValidKeyName } from './note.ts';

/**
 * The checkpoint origin (and note key name) for a public URL.
 *
 * @example
 * logOriginOf('https://id.example/mvid/'); // 'id.example/mvid/log'
 */
export function logOriginOf(publicUrl: string): string {
  let url: URL;
  try {
    url = new URL(publicUrl);
  } catch (cause) {
    throw new MvidError('config_invalid', `the public URL ${JSON.stringify(publicUrl)} is not a URL`, { cause });
  }
  const path = url.pathname.replace(/\/+$/, '');
  const origin = `${url.host}${path}/log`;
  if (!isValidKeyName(origin)) {
    throw new MvidError('config_invalid', `the log origin ${JSON.stringify(origin)} derived from the public URL is not a valid key name`);
  }
  return origin;
}
