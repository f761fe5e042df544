import {
  Body,
  Controller,
  Get,
  Inject,
  Module,
  Post,
  RequestMethod,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import { EventsService } from './events.service';
import { VOBIZ_OPTIONS, VobizWebhookMiddleware, type VobizModuleOptions } from './vobiz-webhook.middleware';

export const WEBHOOK_PATH = 'webhooks/vobiz';

@Controller()
export class AppController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  /** An ordinary JSON route: Nest's body parser still serves it. */
  @Post('api/notes')
  createNote(@Body() note: { text?: string }) {
    return { saved: note.text ?? null };
  }

  @Get('received')
  received() {
    return this.events.received;
  }
}

@Module({})
export class AppModule implements NestModule {
  static register(options: VobizModuleOptions): DynamicModule {
    return {
      module: AppModule,
      controllers: [AppController],
      providers: [EventsService, { provide: VOBIZ_OPTIONS, useValue: options }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every method, so the webhook path answers 405 with Allow: POST rather than Nest's 404.
    consumer.apply(VobizWebhookMiddleware).forRoutes({ path: WEBHOOK_PATH, method: RequestMethod.ALL });
  }
}
