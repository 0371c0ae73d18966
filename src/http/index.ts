/** The HTTP edge: app factory, problem documents, metrics. */
export { createApp } from './app.ts';
export type { AppDeps } from './app.ts';
export { PROBLEM_CONTENT_TYPE } from './problem.ts';
export type { CredentialsHttp } from './routes/credentials.ts';
export { createTagServiceApp } from './tag-service-app.ts';
