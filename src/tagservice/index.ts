/** The uniqueness-tag service (`mvid tag-service`): the OPRF key holder, rate-limited and counted. */
export { TAG_SERVICE_FILES, TAG_TOKEN_PREFIX, TagService } from './service.ts';
export type { TagServiceAnswer, TagServiceOptions, TagServiceStatus } from './service.ts';
