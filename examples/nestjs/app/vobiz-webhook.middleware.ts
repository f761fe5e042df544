import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { Logger } from '@vobiz-webhooks/core';
import { vobizWebhook, type NodeRequest, type VobizMiddleware } from '@vobiz-webhooks/express';
import type { ServerResponse } from 'node:http';
import { EventsService } from './events.service';

export const VOBIZ_OPTIONS = Symbol('VOBIZ_OPTIONS');

export interface VobizModuleOptions {
  secret: string;
  logger?: Logger | false;
}

/**
 * A class middleware so the handlers can use Nest's providers. Nest applies it after its own
 * JSON parser, so the app must be created with `rawBody: true`: the signature is checked over `req.rawBody`.
 */
@Injectable()
export class VobizWebhookMiddleware implements NestMiddleware {
  private readonly handle: VobizMiddleware;

  // Explicit tokens: `tsx` (pnpm start) emits no decorator metadata to inject by type.
  constructor(@Inject(VOBIZ_OPTIONS) options: VobizModuleOptions, @Inject(EventsService) events: EventsService) {
    this.handle = vobizWebhook({
      ...options,
      on: { '*': (event) => events.record(event) },
    });
  }

  use(req: NodeRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    this.handle(req, res, next);
  }
}
