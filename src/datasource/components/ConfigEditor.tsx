import React from 'react';
import type { DataSourcePluginOptionsEditorProps, SelectableValue } from '@grafana/data';
import {
  Button,
  FieldSet,
  InlineField,
  InlineFieldRow,
  InlineSwitch,
  Input,
  SecretInput,
  SecretTextArea,
  Select,
  Stack,
} from '@grafana/ui';
import type { ModelKind } from '../../model/types';
import { defaultQuery } from '../../query/defaults';
import { parseDuration } from '../../query/duration';
import type { Execution, QueryDefaults } from '../../query/types';
import { validateQuery } from '../../query/validate';
import { MODEL_OPTIONS } from '../modelInfo';
import type { VigilDataSourceOptions, VigilSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<VigilDataSourceOptions, VigilSecureJsonData>;
type SecretKey = keyof VigilSecureJsonData & string;

const LABEL = 24;
const HEADER_NAME = /^httpHeaderName(\d+)$/;

/**
 * The connection to Prometheus, the model store and the query defaults. Secrets go only into
 * secureJsonData: Grafana encrypts them and sends back nothing but "configured" (secureJsonFields),
 * so they can be replaced or reset here, never read.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const jsonData = options.jsonData ?? {};
  const secureJsonFields = options.secureJsonFields ?? {};
  const secureJsonData = (options.secureJsonData ?? {}) as VigilSecureJsonData;
  const defaults: QueryDefaults = jsonData.defaults ?? {};

  const setJson = (patch: Partial<VigilDataSourceOptions>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, ...patch } });
  const setDefaults = (patch: Partial<QueryDefaults>) => setJson({ defaults: { ...defaults, ...patch } });

  const secret = (key: SecretKey) => ({
    isConfigured: Boolean(secureJsonFields[key]),
    value: secureJsonData[key] ?? '',
    onReset: () =>
      onOptionsChange({
        ...options,
        secureJsonFields: { ...secureJsonFields, [key]: false },
        secureJsonData: { ...secureJsonData, [key]: '' },
      }),
    onChange: (e: React.FormEvent<HTMLInputElement | HTMLTextAreaElement>) =>
      onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, [key]: e.currentTarget.value } }),
  });

  const headers = Object.keys(jsonData)
    .map((k) => HEADER_NAME.exec(k))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const addHeader = () => {
    const next = headers.length === 0 ? 1 : headers[headers.length - 1] + 1;
    setJson({ [`httpHeaderName${next}`]: '' } as Partial<VigilDataSourceOptions>);
  };
  const removeHeader = (n: number) => {
    const { [`httpHeaderName${n}` as `httpHeaderName${number}`]: _gone, ...rest } = jsonData;
    onOptionsChange({
      ...options,
      jsonData: rest as VigilDataSourceOptions,
      secureJsonFields: { ...secureJsonFields, [`httpHeaderValue${n}`]: false },
      secureJsonData: { ...secureJsonData, [`httpHeaderValue${n}`]: '' },
    });
  };

  const timeoutError =
    jsonData.timeout !== undefined && !(Number(jsonData.timeout) > 0)
      ? 'a number of seconds above 0, e.g. 30'
      : undefined;
  const retrainError = durationError(jsonData.retrainEvery);
  const urlError = urlProblem(jsonData.prometheusUrl);
  const defaultsCheck = validateQuery({ ...defaultQuery('anomaly', defaults), expr: 'up' }, defaults);
  const defaultError = (field: string) =>
    defaultsCheck.ok ? undefined : defaultsCheck.errors.find((e) => e.field === field)?.message;

  return (
    <>
      <FieldSet label="Prometheus">
        <InlineField
          label="URL"
          labelWidth={LABEL}
          tooltip="Base URL of the Prometheus HTTP API, as the Grafana server reaches it (the backend queries it, not the browser)."
          invalid={!!urlError}
          error={urlError}
        >
          <Input
            aria-label="Prometheus URL"
            width={48}
            placeholder="http://prometheus:9090"
            value={jsonData.prometheusUrl ?? ''}
            onChange={(e) => setJson({ prometheusUrl: e.currentTarget.value })}
          />
        </InlineField>
        <InlineField
          label="Timeout"
          labelWidth={LABEL}
          tooltip="Seconds the backend waits for each Prometheus request, including reading the answer. Default 30."
          invalid={!!timeoutError}
          error={timeoutError}
        >
          <Input
            aria-label="Timeout"
            type="number"
            width={12}
            placeholder="30"
            value={jsonData.timeout ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setJson({ timeout: v === '' ? undefined : Number(v) });
            }}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="Authentication">
        <InlineField label="Basic auth" labelWidth={LABEL} tooltip="Send a user and password with every request.">
          <InlineSwitch
            aria-label="Basic auth"
            value={options.basicAuth ?? false}
            onChange={(e) => onOptionsChange({ ...options, basicAuth: e.currentTarget.checked })}
          />
        </InlineField>
        {options.basicAuth && (
          <>
            <InlineField label="User" labelWidth={LABEL} tooltip="Basic auth user name.">
              <Input
                aria-label="Basic auth user"
                width={32}
                value={options.basicAuthUser ?? ''}
                onChange={(e) => onOptionsChange({ ...options, basicAuthUser: e.currentTarget.value })}
              />
            </InlineField>
            <InlineField
              label="Password"
              labelWidth={LABEL}
              tooltip="Basic auth password; stored encrypted, never shown again."
            >
              <SecretInput aria-label="Basic auth password" width={32} {...secret('basicAuthPassword')} />
            </InlineField>
          </>
        )}
        <InlineField
          label="Bearer token"
          labelWidth={LABEL}
          tooltip="Sent as Authorization: Bearer <token> when basic auth is off. Stored encrypted."
        >
          <SecretInput aria-label="Bearer token" width={48} {...secret('bearerToken')} />
        </InlineField>
      </FieldSet>

      <FieldSet label="Custom headers">
        {headers.map((n) => (
          <InlineFieldRow key={n}>
            <InlineField
              label={`Header ${n}`}
              labelWidth={LABEL}
              tooltip="Sent with every Prometheus request, e.g. X-Scope-OrgID for Mimir or Cortex. The value is stored encrypted."
            >
              <Stack gap={1}>
                <Input
                  aria-label={`Header ${n} name`}
                  width={24}
                  placeholder="X-Scope-OrgID"
                  value={jsonData[`httpHeaderName${n}`] ?? ''}
                  onChange={(e) =>
                    setJson({ [`httpHeaderName${n}`]: e.currentTarget.value } as Partial<VigilDataSourceOptions>)
                  }
                />
                <SecretInput
                  aria-label={`Header ${n} value`}
                  width={32}
                  {...secret(`httpHeaderValue${n}` as SecretKey)}
                />
                <Button
                  variant="secondary"
                  icon="trash-alt"
                  aria-label={`Remove header ${n}`}
                  onClick={() => removeHeader(n)}
                />
              </Stack>
            </InlineField>
          </InlineFieldRow>
        ))}
        <Button variant="secondary" icon="plus" size="sm" onClick={addHeader}>
          Add header
        </Button>
      </FieldSet>

      <FieldSet label="TLS">
        <InlineField label="Skip TLS verify" labelWidth={LABEL} tooltip="Accept any certificate. Only for testing.">
          <InlineSwitch
            aria-label="Skip TLS verify"
            value={jsonData.tlsSkipVerify ?? false}
            onChange={(e) => setJson({ tlsSkipVerify: e.currentTarget.checked })}
          />
        </InlineField>
        <InlineField
          label="With CA cert"
          labelWidth={LABEL}
          tooltip="Verify Prometheus' certificate against your own CA (PEM) instead of the system's."
        >
          <InlineSwitch
            aria-label="With CA cert"
            value={jsonData.tlsAuthWithCACert ?? false}
            onChange={(e) => setJson({ tlsAuthWithCACert: e.currentTarget.checked })}
          />
        </InlineField>
        {jsonData.tlsAuthWithCACert && (
          <InlineField label="CA cert" labelWidth={LABEL} tooltip="PEM, -----BEGIN CERTIFICATE-----. Stored encrypted.">
            <SecretTextArea aria-label="CA cert" cols={48} rows={5} {...secret('tlsCACert')} />
          </InlineField>
        )}
        <InlineField label="Client certificate" labelWidth={LABEL} tooltip="Present a client certificate (mutual TLS).">
          <InlineSwitch
            aria-label="Client certificate"
            value={jsonData.tlsAuth ?? false}
            onChange={(e) => setJson({ tlsAuth: e.currentTarget.checked })}
          />
        </InlineField>
        {jsonData.tlsAuth && (
          <>
            <InlineField label="Client cert" labelWidth={LABEL} tooltip="PEM certificate. Stored encrypted.">
              <SecretTextArea aria-label="Client cert" cols={48} rows={5} {...secret('tlsClientCert')} />
            </InlineField>
            <InlineField label="Client key" labelWidth={LABEL} tooltip="PEM private key. Stored encrypted.">
              <SecretTextArea aria-label="Client key" cols={48} rows={5} {...secret('tlsClientKey')} />
            </InlineField>
          </>
        )}
        <InlineField
          label="Server name"
          labelWidth={LABEL}
          tooltip="The name to verify in Prometheus' certificate when it differs from the URL's host (SNI)."
        >
          <Input
            aria-label="Server name"
            width={32}
            value={jsonData.serverName ?? ''}
            onChange={(e) => setJson({ serverName: e.currentTarget.value })}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="Models">
        <InlineField
          label="Model store path"
          labelWidth={LABEL}
          tooltip="SQLite file where the backend keeps trained models and their versions. Empty: under Grafana's data directory."
        >
          <Input
            aria-label="Model store path"
            width={48}
            placeholder="<grafana data>/plugins/vigil/models.db"
            value={jsonData.modelStorePath ?? ''}
            onChange={(e) => setJson({ modelStorePath: e.currentTarget.value })}
          />
        </InlineField>
        <InlineField
          label="Retrain every"
          labelWidth={LABEL}
          tooltip="How often the backend retrains each stored model on fresh data (duration, e.g. 12h). Empty: every 24h; 0 or off: only when retrained by hand on the Models page."
          invalid={!!retrainError}
          error={retrainError}
        >
          <Input
            aria-label="Retrain every"
            width={12}
            placeholder="24h"
            value={jsonData.retrainEvery ?? ''}
            onChange={(e) =>
              setJson({ retrainEvery: e.currentTarget.value === '' ? undefined : e.currentTarget.value })
            }
          />
        </InlineField>
        <InlineField
          label="Max series"
          labelWidth={LABEL}
          tooltip="Most series one query may return from Prometheus; a query over it fails with a message naming this setting. Empty: 10,000."
        >
          <Input
            aria-label="Max series per query"
            type="number"
            min={1}
            width={12}
            placeholder="10000"
            value={jsonData.maxSeriesPerQuery ?? ''}
            onChange={(e) => setJson({ maxSeriesPerQuery: positiveOrUnset(e.currentTarget.value) })}
          />
        </InlineField>
        <InlineField
          label="Max points"
          labelWidth={LABEL}
          tooltip="Most samples one Prometheus range query may return over all its series, training window included. Empty: 25,000,000 (about 400 MB)."
        >
          <Input
            aria-label="Max points per query"
            type="number"
            min={1}
            width={16}
            placeholder="25000000"
            value={jsonData.maxPointsPerQuery ?? ''}
            onChange={(e) => setJson({ maxPointsPerQuery: positiveOrUnset(e.currentTarget.value) })}
          />
        </InlineField>
      </FieldSet>

      <FieldSet label="Query defaults">
        <InlineField
          label="Model"
          labelWidth={LABEL}
          tooltip="The model new queries start with. Saved queries keep their own choice."
          invalid={!!defaultError('model')}
          error={defaultError('model')}
        >
          <Select<ModelKind>
            aria-label="Default model"
            width={30}
            options={MODEL_OPTIONS}
            value={defaults.model ?? 'auto'}
            onChange={(v) => v.value && setDefaults({ model: v.value })}
          />
        </InlineField>
        <InlineField
          label="Sensitivity"
          labelWidth={LABEL}
          tooltip="0 to 1; higher narrows the band so more points are flagged."
          invalid={!!defaultError('options.sensitivity')}
          error={defaultError('options.sensitivity')}
        >
          <Input
            aria-label="Default sensitivity"
            type="number"
            step={0.05}
            width={12}
            placeholder="default"
            value={defaults.sensitivity ?? ''}
            onChange={(e) =>
              setDefaults({ sensitivity: e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value) })
            }
          />
        </InlineField>
        <InlineField
          label="Training window"
          labelWidth={LABEL}
          tooltip="History each model trains on, as a duration (28d, 1w)."
          invalid={!!defaultError('options.trainingWindow')}
          error={defaultError('options.trainingWindow')}
        >
          <Input
            aria-label="Default training window"
            width={12}
            placeholder="default"
            value={defaults.trainingWindow ?? ''}
            onChange={(e) =>
              setDefaults({ trainingWindow: e.currentTarget.value === '' ? undefined : e.currentTarget.value })
            }
          />
        </InlineField>
        <InlineField
          label="Execution"
          labelWidth={LABEL}
          tooltip="Where new panel queries run. Alert rules always run in the backend."
        >
          <Select<Execution>
            aria-label="Default execution"
            width={16}
            options={EXECUTION_OPTIONS}
            value={defaults.execution ?? 'backend'}
            onChange={(v) => v.value && setDefaults({ execution: v.value })}
          />
        </InlineField>
      </FieldSet>
    </>
  );
}

const EXECUTION_OPTIONS: Array<SelectableValue<Execution>> = [
  { value: 'backend', label: 'Backend' },
  { value: 'browser', label: 'Browser' },
];

function durationError(text: string | undefined): string | undefined {
  if (text === undefined || text.trim() === '') {
    return undefined;
  }
  try {
    return parseDuration(text) > 0 ? undefined : 'must be longer than zero, e.g. 1d';
  } catch (e) {
    return (e as Error).message;
  }
}

function urlProblem(url: string | undefined): string | undefined {
  if (url === undefined || url.trim() === '') {
    return undefined;
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      return 'use an http:// or https:// URL';
    }
    return u.username || u.password ? 'put credentials in Authentication, not in the URL' : undefined;
  } catch {
    return 'use a full URL such as http://prometheus:9090';
  }
}

/** A positive whole number typed in a field, or undefined (the backend's default) for anything else. */
function positiveOrUnset(text: string): number | undefined {
  const n = Number(text);
  return text.trim() !== '' && Number.isInteger(n) && n > 0 ? n : undefined;
}
