import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { InlineField, Input, SecretInput } from '@grafana/ui';
import { VigilDataSourceOptions, VigilSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<VigilDataSourceOptions, VigilSecureJsonData>;

export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, jsonData: { ...jsonData, prometheusUrl: event.target.value } });
  };

  const onPasswordChange = (event: ChangeEvent<HTMLInputElement>) => {
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, prometheusPassword: event.target.value } });
  };

  const onPasswordReset = () => {
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, prometheusPassword: false },
      secureJsonData: { ...secureJsonData, prometheusPassword: '' },
    });
  };

  return (
    <>
      <InlineField label="Prometheus URL" labelWidth={20} tooltip="Base URL of the Prometheus HTTP API">
        <Input
          id="vigil-config-prometheus-url"
          value={jsonData.prometheusUrl ?? ''}
          placeholder="http://prometheus:9090"
          width={40}
          onChange={onUrlChange}
        />
      </InlineField>
      <InlineField label="Password" labelWidth={20} tooltip="Basic auth password (kept in the backend)">
        <SecretInput
          id="vigil-config-prometheus-password"
          isConfigured={Boolean(secureJsonFields.prometheusPassword)}
          value={secureJsonData?.prometheusPassword ?? ''}
          placeholder="Password"
          width={40}
          onReset={onPasswordReset}
          onChange={onPasswordChange}
        />
      </InlineField>
    </>
  );
}
