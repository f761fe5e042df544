import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { VobizModuleOptions } from './vobiz-webhook.middleware';

export interface CreateAppOptions extends VobizModuleOptions {
  /** Only for the test that shows what forgetting it does. */
  rawBody?: boolean;
  nestLogs?: boolean;
}

/** The Nest app on Express. `rawBody: true` keeps the exact bytes in `req.rawBody` for the signature. */
export async function createApp({ rawBody = true, nestLogs = true, ...vobiz }: CreateAppOptions) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(vobiz), {
    rawBody,
    ...(nestLogs ? {} : { logger: false }),
  });
  return app;
}
