/** An OpenAPI document, as far as these functions read it. */
interface Document {
  components?: { schemas?: Record<string, unknown> };
  paths?: unknown;
}

/**
 * Drops component schemas no route refers to (directly or through another component): the zod
 * provider emits an input and an output copy of every registered schema, and most are used one
 * way only.
 */
export function withoutUnusedSchemas<T extends object>(document: T): T {
  const components = (document as Document).components;
  const schemas = components?.schemas;
  if (!components || !schemas) return document;
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') {
        const name = child.slice(child.lastIndexOf('/') + 1);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else {
        visit(child);
      }
    }
  };
  visit((document as { paths?: unknown }).paths);
  return {
    ...document,
    components: {
      ...components,
      schemas: Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name))),
    },
  };
}

interface ComponentSchema {
  oneOf?: { $ref?: string }[];
  anyOf?: { $ref?: string }[];
  discriminator?: unknown;
  properties?: Record<string, { const?: unknown; enum?: unknown[] }>;
}

/**
 * Adds an OpenAPI `discriminator` (with its mapping) to every component that is a `oneOf` of
 * named schemas sharing a constant property (`type` for commands and events, `name` for
 * reports), so generators produce tagged unions instead of anonymous objects.
 */
export function withDiscriminators<T extends object>(document: T): T {
  const schemas = (document as Document).components?.schemas as
    Record<string, ComponentSchema> | undefined;
  if (!schemas) return document;
  const constOf = (ref: string | undefined, property: string) => {
    const target = ref ? schemas[ref.slice(ref.lastIndexOf('/') + 1)] : undefined;
    const field = target?.properties?.[property];
    const value = field?.const ?? (field?.enum?.length === 1 ? field.enum[0] : undefined);
    return typeof value === 'string' ? value : undefined;
  };
  for (const schema of Object.values(schemas)) {
    const options = schema.oneOf;
    if (!options || options.length < 2 || schema.discriminator) continue;
    for (const property of ['type', 'name']) {
      const values = options.map((option) => constOf(option.$ref, property));
      if (values.some((value) => value === undefined)) continue;
      schema.discriminator = {
        propertyName: property,
        mapping: Object.fromEntries(
          values.map((value, index): [string, string | undefined] => [
            String(value),
            options[index]?.$ref,
          ]),
        ),
      };
      break;
    }
  }
  return document;
}

interface Operation {
  parameters?: { in?: string; name?: string }[];
  responses?: Record<string, unknown>;
}

/**
 * Adds the 304 answer to every operation that takes `If-None-Match` (a route schema cannot
 * declare a response without a body to the serializer).
 */
export function withNotModified<T extends object>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      const conditional = operation.parameters?.some(
        (parameter) => parameter.in === 'header' && parameter.name === 'if-none-match',
      );
      if (conditional && operation.responses) {
        operation.responses['304'] = {
          description: 'Not modified: If-None-Match holds the current ETag (no body)',
        };
      }
    }
  }
  return document;
}
