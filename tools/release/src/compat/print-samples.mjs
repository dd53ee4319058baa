// Copied into a release's tree and run there by the release's own tsx, so that every import below is
// the release's: prints, as JSON, the code samples its docs showed, for the base URLs given.
import { pathToFileURL } from 'node:url';

const [samplesModule, urlsJson] = process.argv.slice(2);
const urls = JSON.parse(urlsJson);
const { apis, loadDereferenced } = await import('@trackspec/specs');
const { operationSamples } = await import(pathToFileURL(samplesModule).href);
const samples = apis.flatMap((api) =>
  operationSamples(api.name, loadDereferenced(api.name), urls[api.name]).map((sample) => ({
    api: api.name,
    file: `${api.name}-${sample.operation.operationId}`,
    typescript: sample.typescript,
    variables: sample.variables,
  })),
);
process.stdout.write(JSON.stringify(samples));
