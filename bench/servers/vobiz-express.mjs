// Configuration 3: @vobiz-webhooks/express with its defaults (in-memory dedupe).
import express from 'express';
import { createServer } from 'node:http';
import { importPackage } from '../lib/packages.mjs';
import { SECRET, countMessages, serve } from './common.mjs';

const { vobizWebhook } = await importPackage('express');
const { messagesOf } = await importPackage('core');

const app = express();
app.use(vobizWebhook({ secret: SECRET, on: { 'message.inbound': (event) => countMessages(messagesOf(event)) } }));
serve(createServer(app));
