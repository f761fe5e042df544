// Configuration 3: @vobiz-webhooks/express with its defaults (in-memory dedupe).
import express from 'express';
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countingHandlers, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('express');

const app = express();
app.use(vobizWebhook({ secret: SECRET, on: await countingHandlers() }));
serve(createServer(app));
