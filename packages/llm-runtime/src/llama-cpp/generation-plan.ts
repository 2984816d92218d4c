/**
 * What a request adds to a plain chat turn: a JSON grammar (response format), node-llama-cpp functions (tools,
 * `auto`), or a grammar-forced tool call (`required` or a named tool). Kept apart from the provider so the provider
 * only asks the plan what to pass and what came out.
 */
import { randomUUID } from 'node:crypto';
import type {
  ChatModelFunctions,
  GbnfJsonSchema,
  Llama,
  LlamaChatResponse,
  LlamaChatResponseFunctionCallParamsChunk,
  LlamaGrammar,
} from 'node-llama-cpp';
import type { GenerateRequest, ToolCall, ToolCallDelta } from '../provider/index.js';
import { toGrammarSchema } from '../structured/json-schema.js';
import { createForcedCallSplitter, planForcedCall } from '../tools/forced-call.js';
import { UnsupportedRequestError } from '../errors/index.js';

/** The extra generation options and the reading of the reply for one request. */
export interface GenerationPlan {
  grammar?: LlamaGrammar;
  functions?: ChatModelFunctions;
  maxParallelFunctionCalls?: number;
  /** A system line to add (a forced call says which tool it is). */
  instruction?: string;
  /** A generated text piece → the part that is reply text (a forced call's text is its arguments, not content). */
  onText(chunk: string): string;
  onFunctionCallParamsChunk?(chunk: LlamaChatResponseFunctionCallParamsChunk): void;
  /** The reply's text and tool calls once generation ended. */
  finish(
    response: LlamaChatResponse<ChatModelFunctions> | undefined,
    text: string,
  ): { text: string; toolCalls?: ToolCall[] };
}

const TOOLS_PARAM = (index: number) => `tools.${index}.function.parameters`;

/** A fresh OpenAI-style tool call id. */
export function newToolCallId(): string {
  return `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * Builds the plan of `request`. Tools with `required` or a named choice and a response format cannot be combined
 * with `auto` tools (node-llama-cpp takes a grammar or functions, not both): that is a 400 naming `response_format`.
 */
export async function planGeneration(llama: Llama, request: GenerateRequest): Promise<GenerationPlan> {
  const plain: GenerationPlan = { onText: (chunk) => chunk, finish: (_response, text) => ({ text }) };
  const tools = request.tools?.tools ?? [];
  const choice = request.tools?.choice ?? 'auto';
  const format = request.responseFormat ?? (request.params?.json_mode ? { type: 'json_object' as const } : undefined);
  if (tools.length > 0 && choice !== 'none') {
    if (choice === 'auto') {
      if (format)
        throw new UnsupportedRequestError(
          'response_format',
          'response_format cannot be combined with tools under tool_choice "auto" (set tool_choice to "none", "required" or a function)',
        );
      return autoToolsPlan(tools, request);
    }
    return forcedCallPlan(llama, tools, choice === 'required' ? undefined : choice.name, request);
  }
  if (!format) return plain;
  const grammar =
    format.type === 'json_object'
      ? await llama.getGrammarFor('json')
      : await jsonSchemaGrammar(
          llama,
          toGrammarSchema(format.schema, 'response_format.json_schema.schema'),
          'response_format.json_schema.schema',
        );
  return { ...plain, grammar };
}

function autoToolsPlan(
  tools: NonNullable<GenerateRequest['tools']>['tools'],
  request: GenerateRequest,
): GenerationPlan {
  const functions: Record<string, { description?: string; params?: ReturnType<typeof toGrammarSchema> }> = {};
  tools.forEach((tool, index) => {
    functions[tool.name] = {
      ...(tool.description ? { description: tool.description } : {}),
      ...(tool.parameters ? { params: toGrammarSchema(tool.parameters, TOOLS_PARAM(index)) } : {}),
    };
  });
  const calls: { id: string; name: string; raw: string }[] = [];
  const emit = (delta: ToolCallDelta) => request.onToolCall?.(delta);
  return {
    functions,
    ...(request.tools?.parallel === false ? { maxParallelFunctionCalls: 1 } : {}),
    onText: (chunk) => chunk,
    onFunctionCallParamsChunk(chunk) {
      let call = calls[chunk.callIndex];
      if (!call) {
        call = { id: newToolCallId(), name: chunk.functionName, raw: '' };
        calls[chunk.callIndex] = call;
        emit({ index: chunk.callIndex, id: call.id, name: call.name, arguments: '' });
      }
      if (chunk.paramsChunk) {
        call.raw += chunk.paramsChunk;
        emit({ index: chunk.callIndex, arguments: chunk.paramsChunk });
      }
    },
    finish(response, text) {
      const made = response?.functionCalls ?? [];
      if (made.length === 0) return { text };
      const toolCalls = made.map((made, index) => {
        const call = calls[index];
        const args = call?.raw.trim() ? call.raw : JSON.stringify(made.params ?? {});
        return { id: call?.id ?? newToolCallId(), name: made.functionName, arguments: args };
      });
      return { text, toolCalls };
    },
  };
}

async function forcedCallPlan(
  llama: Llama,
  tools: NonNullable<GenerateRequest['tools']>['tools'],
  name: string | undefined,
  request: GenerateRequest,
): Promise<GenerationPlan> {
  const plan = planForcedCall(tools, name, TOOLS_PARAM);
  const grammar = await jsonSchemaGrammar(llama, plan.schema, 'tools');
  const splitter = createForcedCallSplitter(plan.fixedName);
  const id = newToolCallId();
  if (plan.fixedName !== undefined) request.onToolCall?.({ index: 0, id, name: plan.fixedName, arguments: '' });
  return {
    grammar,
    instruction: plan.instruction,
    onText(chunk) {
      const piece = splitter.push(chunk);
      if (piece.name !== undefined) request.onToolCall?.({ index: 0, id, name: piece.name, arguments: '' });
      if (piece.arguments) request.onToolCall?.({ index: 0, arguments: piece.arguments });
      return '';
    },
    finish() {
      const call = splitter.finish();
      if (!call) return { text: '' };
      if (call.rest) request.onToolCall?.({ index: 0, arguments: call.rest });
      return { text: '', toolCalls: [{ id, name: call.name, arguments: call.arguments }] };
    },
  };
}

/** A grammar for a checked schema; what node-llama-cpp still cannot build (a bad $ref) is the request's fault. */
async function jsonSchemaGrammar(llama: Llama, schema: GbnfJsonSchema, param: string): Promise<LlamaGrammar> {
  try {
    // The schema is only known at run time; node-llama-cpp's signature infers a literal type from it.
    const create = llama.createGrammarForJsonSchema.bind(llama) as unknown as (
      schema: GbnfJsonSchema,
    ) => Promise<LlamaGrammar>;
    return await create(schema);
  } catch (error) {
    throw new UnsupportedRequestError(
      param,
      `${param}: the JSON schema cannot be turned into a grammar: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
