import React from 'react';
import { FieldSet, InlineField, InlineSwitch, Input, SecretTextArea } from '@grafana/ui';
import { type ConfigProps, LABEL_WIDTH, patchJsonData, secretFieldProps } from './configProps';

/** How the backend verifies Prometheus' certificate and which client certificate it presents. */
export function TlsSection(props: ConfigProps) {
  const jsonData = props.options.jsonData ?? {};
  return (
    <FieldSet label="TLS">
      <InlineField label="Skip TLS verify" labelWidth={LABEL_WIDTH} tooltip="Accept any certificate. Only for testing.">
        <InlineSwitch
          aria-label="Skip TLS verify"
          value={jsonData.tlsSkipVerify ?? false}
          onChange={(e) => patchJsonData(props, { tlsSkipVerify: e.currentTarget.checked })}
        />
      </InlineField>
      <InlineField
        label="With CA cert"
        labelWidth={LABEL_WIDTH}
        tooltip="Verify Prometheus' certificate against your own CA (PEM) instead of the system's."
      >
        <InlineSwitch
          aria-label="With CA cert"
          value={jsonData.tlsAuthWithCACert ?? false}
          onChange={(e) => patchJsonData(props, { tlsAuthWithCACert: e.currentTarget.checked })}
        />
      </InlineField>
      {jsonData.tlsAuthWithCACert && (
        <InlineField
          label="CA cert"
          labelWidth={LABEL_WIDTH}
          tooltip="PEM, -----BEGIN CERTIFICATE-----. Stored encrypted."
        >
          <SecretTextArea aria-label="CA cert" cols={48} rows={5} {...secretFieldProps(props, 'tlsCACert')} />
        </InlineField>
      )}
      <InlineField
        label="Client certificate"
        labelWidth={LABEL_WIDTH}
        tooltip="Present a client certificate (mutual TLS)."
      >
        <InlineSwitch
          aria-label="Client certificate"
          value={jsonData.tlsAuth ?? false}
          onChange={(e) => patchJsonData(props, { tlsAuth: e.currentTarget.checked })}
        />
      </InlineField>
      {jsonData.tlsAuth && (
        <>
          <InlineField label="Client cert" labelWidth={LABEL_WIDTH} tooltip="PEM certificate. Stored encrypted.">
            <SecretTextArea aria-label="Client cert" cols={48} rows={5} {...secretFieldProps(props, 'tlsClientCert')} />
          </InlineField>
          <InlineField label="Client key" labelWidth={LABEL_WIDTH} tooltip="PEM private key. Stored encrypted.">
            <SecretTextArea aria-label="Client key" cols={48} rows={5} {...secretFieldProps(props, 'tlsClientKey')} />
          </InlineField>
        </>
      )}
      <InlineField
        label="Server name"
        labelWidth={LABEL_WIDTH}
        tooltip="The name to verify in Prometheus' certificate when it differs from the URL's host (SNI)."
      >
        <Input
          aria-label="Server name"
          width={32}
          value={jsonData.serverName ?? ''}
          onChange={(e) => patchJsonData(props, { serverName: e.currentTarget.value })}
        />
      </InlineField>
    </FieldSet>
  );
}
