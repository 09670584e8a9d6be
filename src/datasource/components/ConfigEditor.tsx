import React from 'react';
import { AuthSection } from './config/AuthSection';
import type { ConfigProps } from './config/configProps';
import { ConnectionSection } from './config/ConnectionSection';
import { DefaultsSection } from './config/DefaultsSection';
import { HeadersSection } from './config/HeadersSection';
import { ModelsSection } from './config/ModelsSection';
import { TlsSection } from './config/TlsSection';

/**
 * The connection to Prometheus, the model store and the query defaults. Secrets go only into
 * secureJsonData: Grafana encrypts them and sends back nothing but "configured" (secureJsonFields),
 * so they can be replaced or reset here, never read.
 */
export function ConfigEditor(props: ConfigProps) {
  return (
    <>
      <ConnectionSection {...props} />
      <AuthSection {...props} />
      <HeadersSection {...props} />
      <TlsSection {...props} />
      <ModelsSection {...props} />
      <DefaultsSection {...props} />
    </>
  );
}
