// Configurations 9h and 9j: configuration 9's work written by hand on Fastify 5: the raw bytes from
// a content-type parser, then the Vobiz docs' check and JSON.parse (servers/common.mjs), 200 (9j:
// with the library's answer, servers/common.mjs `ANSWER`).
import { ANSWER, PATHS, handleEvent, serveFastify, verifiedEvent } from './common.mjs';

await serveFastify((app) => {
  // Fastify parses JSON itself by default; its parser goes, so the handler sees the bytes.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post(PATHS.vobiz, (request, reply) => {
    const event = verifiedEvent(request.headers['x-webhook-signature'], request.body);
    if (event === undefined) return reply.code(401).send();
    handleEvent(event);
    return ANSWER.body === null ? reply.code(200).send() : reply.code(200).headers(ANSWER.headers).send(ANSWER.body);
  });
});
