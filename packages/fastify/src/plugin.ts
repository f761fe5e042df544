import type {
  FastifyBaseLogger,
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  createMetaReceiver,
  createReceiver,
  VobizWebhookError,
  type CommonOptions,
  type Logger,
  type MetaWebhookOptions,
  type Receiver,
  type VobizWebhookOptions,
} from '@vobiz-webhooks/core';

/** What `app.register(vobizWebhook, options)` takes, besides Fastify's own `prefix` and `logLevel`. */
export type VobizFastifyOptions = VobizWebhookOptions & {
  /** The route, under the register `prefix`. Default `/webhooks/vobiz`. */
  path?: string;
};

/** What `app.register(metaWebhook, options)` takes, besides Fastify's own `prefix` and `logLevel`. */
export type MetaFastifyOptions = MetaWebhookOptions & {
  /** The route (`GET` for the handshake, `POST` for deliveries), under the register `prefix`. Default `/webhooks/meta`. */
  path?: string;
};

/** Core calls `error(message, cause)`; pino takes the object first, and would drop the cause. */
const pinoStyle = (logger: FastifyBaseLogger): Logger => {
  const write = (level: 'warn' | 'error', message: unknown, cause: unknown) =>
    cause === undefined ? logger[level](String(message)) : logger[level]({ err: cause }, String(message));
  return {
    warn: (message, cause) => write('warn', message, cause),
    error: (message, cause) => write('error', message, cause),
  };
};

/**
 * Fastify's refusals of a body before the route's handler, as the receiver's; any other error
 * belongs to the app's error handler. Fastify also refuses a QUERY without a Content-Type: the
 * receiver answers that method 405 before it asks for the body.
 */
function refusalFor(error: FastifyError, limit: number): VobizWebhookError | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new VobizWebhookError('payload_too_large', `The body is larger than maxBodyBytes (${limit} bytes).`);
  }
  if (error.code?.startsWith('FST_ERR_CTP_') !== true && error.code !== 'FST_ERR_ROUTE_MISSING_CONTENT_TYPE') {
    return undefined;
  }
  const message = 'The request body could not be read completely; the sender retries.';
  return new VobizWebhookError('body_unreadable', message, { cause: error });
}

/** Either plugin: everything but which receiver it builds is the same. */
async function mount<Options extends CommonOptions>(
  fastify: FastifyInstance,
  options: Options,
  createReceiverFor: (options: Options) => Receiver,
): Promise<void> {
  // The app's bodyLimit applies unless maxBodyBytes is given; either way Fastify's limit and ours are one number.
  const maxBodyBytes = options.maxBodyBytes ?? fastify.initialConfig.bodyLimit ?? 1024 * 1024;
  // Fastify's own logger is used through `request.log`; another pino logger as given; anything else as core does.
  const own = options.logger === fastify.log ? undefined : options.logger;
  const pino = own === undefined || (own !== false && Symbol.for('pino.serializers') in own);
  const viaRequest = own === undefined;
  const logger = pino ? pinoStyle(viaRequest ? fastify.log : (own as FastifyBaseLogger)) : own;
  const receiver = createReceiverFor({ ...options, maxBodyBytes, logger });

  // This context only (the plugin is not fastify-plugin'd open): the app's other routes keep their JSON parsing.
  // Every type is kept as bytes, so the receiver, not Fastify, answers a non-JSON type with its 415. Removed first:
  // re-adding application/json over an app's own JSON parser (fastify-raw-body's, say) throws ALREADY_PRESENT.
  // application/json is named beside the catch-all because Fastify caches the parser it finds for a content type,
  // but not the catch-all: without it, every delivery's Content-Type would be parsed again to find no parser.
  const keepBytes = (_request: FastifyRequest, body: Buffer, done: (error: null, body: Buffer) => void) =>
    done(null, body);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, keepBytes);
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, keepBytes);

  const answer = (request: FastifyRequest, reply: FastifyReply, refusal?: VobizWebhookError): Promise<void> => {
    // `url` (with its query) is read only by Meta's GET handshake.
    const { body, method, url, headers, log } = request;
    const rawBody = refusal ? () => Promise.reject(refusal) : body instanceof Uint8Array ? body : new Uint8Array();
    // The request's own logger, so the receiver's lines carry its reqId at the route's logLevel. With Fastify's
    // logging off, `request.log` is the app's logger itself (Fastify makes no child logger then): nothing to add.
    const requestLogger = viaRequest && log !== fastify.log ? pinoStyle(log) : undefined;
    const input = { method, url, headers, rawBody, logger: requestLogger };
    // Resolving to undefined, not to `reply`: a reply is a thenable, and Fastify would wait on it once more.
    return receiver.receive(input).then((result) => {
      reply.code(result.status).headers(result.headers).send(result.body);
    });
  };

  // A body Fastify refused to read still gets the receiver's answer (405 and 415 come first), in its shape.
  fastify.setErrorHandler(async (error: FastifyError, request, reply) => {
    const refusal = refusalFor(error, maxBodyBytes);
    if (refusal === undefined) throw error;
    return answer(request, reply, refusal);
  });

  // Every method the app takes (TRACE and QUERY included, and any added with addHttpMethod before this
  // plugin): the receiver answers all but its own with 405 and its `Allow` (`POST`; for Meta `GET, POST`).
  fastify.route({
    method: fastify.supportedMethods,
    url: receiver.path,
    bodyLimit: maxBodyBytes,
    exposeHeadRoute: false,
    handler: (request, reply) => answer(request, reply),
  });
}

const vobizPlugin: FastifyPluginAsync<VobizFastifyOptions> = (fastify, options) =>
  mount(fastify, options, createReceiver);
const metaPlugin: FastifyPluginAsync<MetaFastifyOptions> = (fastify, options) =>
  mount(fastify, options, createMetaReceiver);

/**
 * `app.register(vobizWebhook, { secret, on })`: `POST /webhooks/vobiz` (under any register
 * `prefix`) verified, deduped and handled, in a context of its own.
 */
export const vobizWebhook = fp(vobizPlugin, {
  fastify: '5.x',
  name: '@vobiz-webhooks/fastify',
  encapsulate: true,
});

/**
 * `app.register(metaWebhook, { appSecret, verifyToken, on })`: Meta's Cloud API received
 * directly on `/webhooks/meta` (under any register `prefix`), `GET` answering the
 * subscription handshake and `POST` verified, deduped and handled per item, in a context
 * of its own.
 */
export const metaWebhook = fp(metaPlugin, {
  fastify: '5.x',
  name: '@vobiz-webhooks/fastify/meta',
  encapsulate: true,
});
