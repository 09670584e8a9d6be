/** The nested data source's plugin id (src/datasource/plugin.json). */
export const DATASOURCE_TYPE = 'vigil-anomaly-datasource';
