import type { NextConfig } from 'next';

const config: NextConfig = {
  // The workspace packages are linked from ../../packages and already built.
  poweredByHeader: false,
};

export default config;
