// Configuration 7m: @vobiz-webhooks/express's metaWebhook, defaults (path /webhooks/meta,
// in-memory dedupe), receiving Meta's own webhook object as configuration 7p does.
import express from 'express';
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countingHandlers, serve } from './common.mjs';

const { metaWebhook } = await importPackage('express');

const app = express();
// whatsapp-api-js (configuration 7p) is given the same app secret and verify token.
app.use(metaWebhook({ appSecret: SECRET, verifyToken: 'bench', on: await countingHandlers() }));
serve(createServer(app));
