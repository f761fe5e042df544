// Configuration 1, the ceiling: Express reads the raw body and answers 200, nothing checked.
import express from 'express';
import { createServer } from 'node:http';
import { PATHS, serve } from './common.mjs';

const app = express();
app.post(PATHS.vobiz, express.raw({ type: 'application/json' }), (_req, res) => {
  res.status(200).end();
});
serve(createServer(app));
