// The agent canvas: React Flow around our block node, wrapped for Reflex by agent_canvas.py.
//
// The canvas owns its nodes and edges while a person works: a drag moves nodes here, frame by
// frame, and the server hears only finished actions through one event, `onAction(op)`: `move` at
// drag stop, `add_nodes`, `delete`, `connect`, `replace` (undo/redo), `select`. The server keeps
// the working copy, applies each operation with autogpt_app/graphs/editing.py, validates it and
// answers with `command` (operations to mirror: a connection it accepted, an input it changed),
// `problems` and `nodeStates` (a run's live state per node). A connection is never drawn here
// before the server has accepted it: whether two pins fit is decided in one place, the server.
import React, { createContext, memo, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import {
  Background,
  Controls,
  Handle,
  MiniMap,
  Panel,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useEdgesState,
  useNodesInitialized,
  useNodesState,
  useReactFlow,
} from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useBlocker } from "react-router";
import * as dagreModule from "@dagrejs/dagre";

const dagre = dagreModule.default || dagreModule;
const CLIPBOARD_KEY = "agpt-builder-clipboard";
const DRAG_TYPE = "application/x-agpt-block";
const HISTORY_LIMIT = 100;
const NODE_WIDTH = 270;

const CanvasContext = createContext({ blocks: {}, problems: {}, states: {}, linked: new Set(), readOnly: true });

const STYLE = `
.agpt-canvas { position: relative; display: flex; width: 100%; height: 100%; min-height: 320px;
  border: 1px solid var(--gray-6); border-radius: var(--radius-3); overflow: hidden; background: var(--gray-1); }
.agpt-flow { flex: 1; height: 100%; position: relative; }
.agpt-palette { width: 250px; flex-shrink: 0; border-right: 1px solid var(--gray-6); display: flex;
  flex-direction: column; background: var(--gray-2); color: var(--gray-12); font-size: 13px; }
.agpt-palette input { margin: 8px; padding: 6px 8px; border: 1px solid var(--gray-7); border-radius: 6px;
  background: var(--gray-1); color: var(--gray-12); font-size: 13px; }
.agpt-cats { display: flex; flex-wrap: wrap; gap: 4px; padding: 0 8px 8px; }
.agpt-cats button { border: 1px solid var(--gray-7); background: var(--gray-1); color: var(--gray-11);
  border-radius: 999px; padding: 1px 8px; font-size: 11px; cursor: pointer; }
.agpt-cats button[aria-pressed="true"] { background: var(--accent-9); color: white; border-color: var(--accent-9); }
.agpt-blocks { overflow-y: auto; flex: 1; padding: 0 8px 8px; }
.agpt-block { border: 1px solid var(--gray-6); border-radius: 6px; padding: 6px 8px; margin-bottom: 6px;
  background: var(--gray-1); cursor: grab; text-align: left; width: 100%; color: var(--gray-12); }
.agpt-block:hover, .agpt-block:focus { border-color: var(--accent-8); outline: none; }
.agpt-block b { display: block; font-size: 13px; }
.agpt-block small { display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical; overflow: hidden;
  color: var(--gray-11); font-size: 11px; }
.agpt-node { width: ${NODE_WIDTH}px; background: var(--gray-1); color: var(--gray-12); border: 1px solid var(--gray-7);
  border-radius: 8px; font-size: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.agpt-node.selected { border-color: var(--accent-9); box-shadow: 0 0 0 2px var(--accent-7); }
.agpt-node.invalid { border-color: var(--red-9); }
.agpt-node-head { padding: 6px 10px; border-bottom: 1px solid var(--gray-5); display: flex; gap: 6px;
  align-items: center; justify-content: space-between; background: var(--gray-3); border-radius: 8px 8px 0 0; }
.agpt-node-head b { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.agpt-node-kind { color: var(--gray-11); font-size: 10px; }
.agpt-node-note { padding: 4px 10px; font-style: italic; color: var(--gray-11); border-bottom: 1px solid var(--gray-4); }
.agpt-node-body { display: flex; justify-content: space-between; padding: 4px 0; }
.agpt-pins { display: flex; flex-direction: column; gap: 2px; min-width: 0; flex: 1; }
.agpt-pins.out { align-items: flex-end; }
.agpt-pin { position: relative; padding: 2px 10px; display: flex; gap: 4px; align-items: baseline; max-width: 100%; }
.agpt-pin span { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.agpt-pin > span:first-of-type { flex-shrink: 0; max-width: 65%; }
.agpt-pin .t { color: var(--gray-10); font-size: 10px; }
.agpt-pin .v { color: var(--accent-11); font-size: 10px; min-width: 0; flex: 1; }
.agpt-canvas .react-flow__edge-path { stroke: var(--accent-8); stroke-width: 1.6; }
.agpt-canvas .react-flow__edge.selected .react-flow__edge-path { stroke: var(--accent-11); stroke-width: 2.4; }
.agpt-pin.bad > span:first-of-type { color: var(--red-11); font-weight: 600; }
.agpt-pin .react-flow__handle { width: 9px; height: 9px; background: var(--gray-9); }
.agpt-pin.in .react-flow__handle { left: 0; }
.agpt-pin.out .react-flow__handle { right: 0; left: auto; }
.agpt-pin.linked .react-flow__handle { background: var(--accent-9); }
.agpt-grow { border: 0; background: none; color: var(--accent-11); cursor: pointer; font-size: 11px; padding: 0 10px; text-align: left; }
.agpt-node-problems { padding: 4px 10px; color: var(--red-11); border-top: 1px solid var(--red-6); }
.agpt-status { border-radius: 999px; padding: 0 6px; font-size: 10px; color: white; white-space: nowrap; }
.agpt-status.QUEUED { background: var(--gray-9); } .agpt-status.RUNNING { background: var(--blue-9); }
.agpt-status.COMPLETED { background: var(--green-9); } .agpt-status.FAILED { background: var(--red-9); }
.agpt-status.TERMINATED { background: var(--orange-9); }
.agpt-phone-note { position: absolute; z-index: 5; top: 8px; left: 8px; right: 8px; padding: 6px 10px;
  border-radius: 6px; background: var(--amber-3); color: var(--amber-11); font-size: 12px; }
.agpt-tools { display: flex; gap: 4px; }
.agpt-tools button { border: 1px solid var(--gray-7); background: var(--gray-1); color: var(--gray-12);
  border-radius: 6px; padding: 3px 8px; font-size: 12px; cursor: pointer; }
.agpt-tools button:disabled { opacity: .45; cursor: default; }
`;

const TYPE_WORDS = { string: "text", number: "number", integer: "number", boolean: "yes/no", array: "list", object: "dict" };

function typeLabel(types) {
  if (!types || types.length === 0) return "any";
  const words = [...new Set(types.filter((t) => t !== "null").map((t) => TYPE_WORDS[t] || t))];
  return words.join("/") || "any";
}

function preview(value) {
  if (value === undefined || value === null || value === "") return "";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 24 ? text.slice(0, 23) + "…" : text;
}

function baseOf(name) {
  const m = /^(.+?)_([#$@])_(.+)$/.exec(name || "");
  return m ? m[1] : name;
}

function edgeId(l) {
  return `${l.source_id}:${l.source_name}->${l.sink_id}:${l.sink_name}`;
}

function toFlowNode(n) {
  const meta = n.metadata || {};
  const pos = meta.position && typeof meta.position.x === "number" ? meta.position : { x: 0, y: 0 };
  return {
    id: n.id,
    type: "block",
    position: { x: pos.x, y: pos.y },
    data: { block_id: n.block_id, input_default: n.input_default || {}, metadata: meta },
  };
}

function toFlowEdge(l) {
  return {
    id: edgeId(l),
    source: l.source_id,
    target: l.sink_id,
    sourceHandle: l.source_name,
    targetHandle: l.sink_name,
    data: { is_static: !!l.is_static },
  };
}

function fromFlowNode(n) {
  return {
    id: n.id,
    block_id: n.data.block_id,
    input_default: n.data.input_default || {},
    metadata: { ...(n.data.metadata || {}), position: { x: Math.round(n.position.x), y: Math.round(n.position.y) } },
  };
}

function fromFlowEdge(e) {
  return {
    source_id: e.source,
    sink_id: e.target,
    source_name: e.sourceHandle,
    sink_name: e.targetHandle,
    is_static: !!(e.data && e.data.is_static),
  };
}

function pinsOf(block, id, data, edges, side) {
  // The pins a node shows: the block's own (credential fields are picked in the side panel, not
  // wired), then the grown ones of dict and list inputs, then any name a link uses (so a link
  // from an imported file always has its pin, even for a block this platform does not know).
  const own = block
    ? side === "in"
      ? block.inputs.filter((p) => !p.credential)
      : [...block.outputs.filter((p) => p.name !== "error"), ...block.outputs.filter((p) => p.name === "error")]
    : [];
  const names = new Set(own.map((p) => p.name));
  const extra = [];
  const add = (name) => {
    if (name && !names.has(name)) {
      names.add(name);
      const base = own.find((p) => p.name === baseOf(name));
      const m = /^(.+?)_([#$@])_(.+)$/.exec(name);
      const title = m ? (m[2] === "$" ? `${m[1]} #${m[3]}` : `${m[1]}.${m[3]}`) : name;
      extra.push({ name, title: base && m ? `↳ ${m[2] === "$" ? "#" + m[3] : m[3]}` : title, types: [], grown: true });
    }
  };
  if (side === "in") {
    for (const name of (data.metadata && data.metadata.pins) || []) add(name);
    for (const key of Object.keys(data.input_default || {})) if (baseOf(key) !== key) add(key);
    for (const e of edges) if (e.target === id) add(e.targetHandle);
  } else {
    for (const e of edges) if (e.source === id) add(e.sourceHandle);
  }
  // A grown pin sits right after its base.
  const out = [];
  for (const pin of own) {
    out.push(pin);
    for (const g of extra) if (baseOf(g.name) === pin.name) out.push(g);
  }
  for (const g of extra) if (!own.some((p) => p.name === baseOf(g.name))) out.push(g);
  return out;
}

function nextGrownName(pin, existing) {
  if (pin.grows === "list") {
    let i = 0;
    while (existing.has(`${pin.name}_$_${i}`)) i += 1;
    return `${pin.name}_$_${i}`;
  }
  const key = (window.prompt(`Name of the new key of '${pin.title}':`) || "").trim();
  return key ? `${pin.name}_#_${key}` : null;
}

const BlockNode = memo(function BlockNode({ id, data, selected }) {
  const ctx = useContext(CanvasContext);
  const [showAll, setShowAll] = useState(false);
  const block = ctx.blocks[data.block_id];
  const problems = ctx.problems[id] || [];
  const state = ctx.states[id];
  const allInputs = pinsOf(block, id, data, ctx.edges, "in");
  // Advanced inputs (a label, "secret"…) show once used, or on request.
  const used = (pin) =>
    ctx.linked.has(`${id}|${pin.name}`) || (data.input_default || {})[pin.name] !== undefined || problems.some((p) => p.pin === pin.name);
  const hidden = allInputs.filter((pin) => pin.advanced && !used(pin));
  const inputs = showAll ? allInputs : allInputs.filter((pin) => !hidden.includes(pin));
  const outputs = pinsOf(block, id, data, ctx.edges, "out");
  const pinProblem = {};
  for (const p of problems) if (p.pin) pinProblem[baseOf(p.pin)] = pinProblem[p.pin] = p.message;
  const nodeProblems = problems.filter((p) => !p.pin || !inputs.some((i) => i.name === p.pin || i.name === baseOf(p.pin)));
  const title = (data.metadata && data.metadata.title) || (block ? block.name : "Unknown block");
  const existing = new Set(allInputs.map((p) => p.name));
  const cls = ["agpt-node", selected ? "selected" : "", problems.length ? "invalid" : ""].join(" ");
  return (
    <div
      className={cls}
      data-testid="builder-node"
      data-node-id={id}
      data-block-name={block ? block.name : data.block_id}
      data-status={state ? state.status : ""}
      data-invalid={problems.length ? "true" : "false"}
      title={block ? block.description : `This platform has no block ${data.block_id}.`}
    >
      <div className="agpt-node-head">
        <b data-testid="builder-node-title">{title}</b>
        {state ? (
          <span className={`agpt-status ${state.status}`} data-testid="builder-node-status">
            {state.label || state.status}
          </span>
        ) : (
          <span className="agpt-node-kind">{title !== (block && block.name) && block ? block.name : ""}</span>
        )}
      </div>
      {data.metadata && data.metadata.note ? <div className="agpt-node-note">{data.metadata.note}</div> : null}
      <div className="agpt-node-body">
        <div className="agpt-pins in">
          {inputs.map((pin) => {
            const linked = ctx.linked.has(`${id}|${pin.name}`);
            const bad = pinProblem[pin.name];
            const value = linked ? "" : preview((data.input_default || {})[pin.name]);
            return (
              <React.Fragment key={pin.name}>
                <div
                  className={`agpt-pin in ${linked ? "linked" : ""} ${bad ? "bad" : ""}`}
                  data-testid="builder-pin"
                  data-pin={pin.name}
                  data-side="in"
                  title={bad || pin.description || ""}
                >
                  <Handle type="target" position={Position.Left} id={pin.name} isConnectable={!ctx.readOnly} />
                  <span>
                    {pin.title}
                    {pin.required ? " *" : ""}
                  </span>
                  <span className="t">{typeLabel(pin.types)}</span>
                  {value ? <span className="v">{value}</span> : null}
                </div>
                {pin.grows && !ctx.readOnly ? (
                  <button
                    type="button"
                    className="agpt-grow nodrag"
                    data-testid="builder-grow-pin"
                    onClick={() => {
                      const name = nextGrownName(pin, existing);
                      if (name) ctx.send({ op: "add_pin", node: id, name });
                    }}
                  >
                    + {pin.grows === "list" ? "item" : "key"}
                  </button>
                ) : null}
              </React.Fragment>
            );
          })}
          {hidden.length ? (
            <button type="button" className="agpt-grow nodrag" data-testid="builder-more-pins" onClick={() => setShowAll(!showAll)}>
              {showAll ? "fewer inputs" : `+ ${hidden.length} more input${hidden.length > 1 ? "s" : ""}`}
            </button>
          ) : null}
        </div>
        <div className="agpt-pins out">
          {outputs.map((pin) => (
            <div
              key={pin.name}
              className={`agpt-pin out ${pinProblem[pin.name] ? "bad" : ""}`}
              data-testid="builder-pin"
              data-pin={pin.name}
              data-side="out"
              title={pinProblem[pin.name] || pin.description || ""}
            >
              <span className="t">{typeLabel(pin.types)}</span>
              <span>{pin.title}</span>
              <Handle type="source" position={Position.Right} id={pin.name} isConnectable={!ctx.readOnly} />
            </div>
          ))}
        </div>
      </div>
      {nodeProblems.length ? (
        <div className="agpt-node-problems" data-testid="builder-node-problem" role="note">
          {nodeProblems.slice(0, 2).map((p, i) => (
            <div key={i}>{p.message}</div>
          ))}
          {nodeProblems.length > 2 ? <div>…and {nodeProblems.length - 2} more</div> : null}
        </div>
      ) : null}
    </div>
  );
});

// Node types are a module-level constant: React Flow re-mounts every node when this object changes.
const NODE_TYPES = { block: BlockNode };

function estimateHeight(block) {
  const rows = block ? Math.max(block.inputs.filter((p) => !p.credential).length, block.outputs.length) : 2;
  return 44 + rows * 21;
}

function layout(nodes, edges, blocks) {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 90, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) {
    const h = (n.measured && n.measured.height) || estimateHeight(blocks[n.data.block_id]);
    g.setNode(n.id, { width: NODE_WIDTH, height: h });
  }
  for (const e of edges) if (g.hasNode(e.source) && g.hasNode(e.target)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  return nodes.map((n) => {
    const p = g.node(n.id);
    return { ...n, position: { x: Math.round(p.x - p.width / 2), y: Math.round(p.y - p.height / 2) } };
  });
}

function Palette({ blocks, onAdd }) {
  const [query, setQuery] = useState("");
  const [category, setCategory] = useState("");
  const categories = useMemo(() => {
    const seen = [];
    for (const b of blocks) for (const c of b.categories) if (!seen.includes(c)) seen.push(c);
    return seen;
  }, [blocks]);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = blocks.filter(
    (b) =>
      (!category || b.categories.includes(category)) &&
      words.every((w) => (b.name + " " + b.description).toLowerCase().includes(w)),
  );
  return (
    <aside className="agpt-palette" aria-label="Blocks" data-testid="builder-palette">
      <input
        type="search"
        placeholder="Search blocks"
        aria-label="Search blocks"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="palette-search"
      />
      <div className="agpt-cats" role="group" aria-label="Categories">
        <button type="button" aria-pressed={category === ""} onClick={() => setCategory("")}>
          All
        </button>
        {categories.map((c) => (
          <button type="button" key={c} aria-pressed={category === c} onClick={() => setCategory(c === category ? "" : c)}>
            {c}
          </button>
        ))}
      </div>
      <div className="agpt-blocks">
        {shown.length === 0 ? <p>No block matches.</p> : null}
        {shown.map((b) => (
          <button
            type="button"
            key={b.id}
            className="agpt-block"
            draggable
            data-testid="palette-block"
            data-block-name={b.name}
            title={`${b.description}\n\nDrag onto the canvas, or click to add.`}
            onDragStart={(e) => {
              e.dataTransfer.setData(DRAG_TYPE, b.id);
              e.dataTransfer.effectAllowed = "copy";
            }}
            onClick={() => onAdd(b.id, null)}
          >
            <b>{b.name}</b>
            <small>{b.description}</small>
          </button>
        ))}
      </div>
    </aside>
  );
}

function isTyping(target) {
  if (!target) return false;
  const tag = (target.tagName || "").toLowerCase();
  return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
}

function usePhone() {
  const query = "(max-width: 767px)";
  const [phone, setPhone] = useState(() => typeof window !== "undefined" && window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setPhone(m.matches);
    m.addEventListener("change", on);
    return () => m.removeEventListener("change", on);
  }, []);
  return phone;
}

// The block catalogue, read once per page load (the pictures and the builder share it).
let paletteRequest = null;
function loadPalette() {
  if (!paletteRequest) {
    paletteRequest = fetch("/api/v1/blocks/palette", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`palette: ${r.status}`))))
      .catch((e) => {
        paletteRequest = null; // the next canvas asks again
        throw e;
      });
  }
  return paletteRequest;
}

// Asked for as soon as this module loads (in parallel with the page's state), not when a canvas mounts.
if (typeof window !== "undefined") loadPalette().catch(() => {});

function usePalette(given) {
  const [blocks, setBlocks] = useState(given && given.length ? given : null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (blocks) return undefined;
    let live = true;
    loadPalette().then(
      (b) => live && setBlocks(b),
      () => live && setFailed(true),
    );
    return () => { live = false; };
  }, [blocks]);
  return [blocks, failed];
}

function Canvas(props) {
  const { graph, graphKey, problems, nodeStates, command, dirty } = props;
  const [blocks, paletteFailed] = usePalette(props.blocks);
  const phone = usePhone();
  // On a phone the builder shows the agent read-only: dragging pins needs a pointer and room.
  const readOnly = !!props.readOnly || phone;
  const onAction = readOnly ? null : props.onAction;
  const flow = useReactFlow();
  const [nodes, setNodes, onNodesChange] = useNodesState([]);
  const [edges, setEdges, onEdgesChange] = useEdgesState([]);
  const [ready, setReady] = useState(false);
  const [historySize, setHistorySize] = useState([0, 0]);
  const nodesRef = useRef(nodes);
  const edgesRef = useRef(edges);
  nodesRef.current = nodes;
  edgesRef.current = edges;
  const past = useRef([]);
  const future = useRef([]);
  const lastSeq = useRef(null);
  const selectedRef = useRef(null);
  const wrapper = useRef(null);
  const pendingFit = useRef(false);
  const initialized = useNodesInitialized();

  // The catalogue is a literal of the compiled page, a new array at each render: key it by its size.
  const blockCount = (blocks || []).length;
  const blockMap = useMemo(() => Object.fromEntries((blocks || []).map((b) => [b.id, b])), [blockCount]);
  // Reflex hands a new handler function on every render: keep the latest in a ref, so that `send`
  // (and the context the nodes read) stays the same and a state change re-renders no node.
  const actionRef = useRef(onAction);
  actionRef.current = onAction;
  const send = useCallback((op) => {
    if (actionRef.current) actionRef.current(op);
  }, []);

  const snapshot = () => ({
    nodes: nodesRef.current.map((n) => ({ ...n, selected: false })),
    edges: edgesRef.current.map((e) => ({ ...e, selected: false })),
  });
  const remember = useCallback(() => {
    past.current.push(snapshot());
    if (past.current.length > HISTORY_LIMIT) past.current.shift();
    future.current = [];
    setHistorySize([past.current.length, 0]);
  }, []);
  const graphOf = (ns, es) => ({ nodes: ns.map(fromFlowNode), links: es.map(fromFlowEdge) });

  const restore = useCallback((from, to) => {
    const state = from.current.pop();
    if (!state) return;
    to.current.push(snapshot());
    setNodes(state.nodes);
    setEdges(state.edges);
    setHistorySize([past.current.length, future.current.length]);
    send({ op: "replace", graph: graphOf(state.nodes, state.edges) });
  }, [send]);
  const undo = useCallback(() => restore(past, future), [restore]);
  const redo = useCallback(() => restore(future, past), [restore]);

  // A new graph to show (page load, a restored version): start over from it, once the blocks are known.
  useEffect(() => {
    if (!blocks) return;
    const g = graph || { nodes: [], links: [] };
    let ns = (g.nodes || []).map(toFlowNode);
    const es = (g.links || []).map(toFlowEdge);
    const placed = (g.nodes || []).some((n) => n.metadata && n.metadata.position);
    if (!placed && ns.length > 0) {
      ns = layout(ns, es, blockMap);
      // Positions are kept with the next saved version (the server marks nothing unsaved for this).
      send({ op: "move", layout: true, positions: Object.fromEntries(ns.map((n) => [n.id, [n.position.x, n.position.y]])) });
    }
    setNodes(ns);
    setEdges(es);
    past.current = [];
    future.current = [];
    setHistorySize([0, 0]);
    // Ready (and fitted) once React Flow has measured the new nodes.
    pendingFit.current = ns.length > 0;
    setReady(ns.length === 0);
    if (ns.length === 0) performance.mark("agpt-canvas-ready");
  }, [graphKey, blockCount]);

  useEffect(() => {
    if (initialized && pendingFit.current) {
      pendingFit.current = false;
      flow.fitView({ padding: 0.15, maxZoom: 1 });
      setReady(true);
      // When the canvas could first be used, for benchmarks/builder.py (milliseconds since navigation).
      performance.mark("agpt-canvas-ready");
    }
  }, [initialized, nodes]);

  // Operations from the server, in order, each applied once.
  useEffect(() => {
    if (!command || !command.batches) return;
    const fresh = command.batches.filter(([seq]) => lastSeq.current === null || seq > lastSeq.current);
    if (lastSeq.current === null) {
      // The first command seen belongs to an earlier visit to the page: nothing to apply.
      lastSeq.current = command.seq;
      return;
    }
    if (!fresh.length) return;
    lastSeq.current = command.seq;
    let touched = false;
    for (const [, ops] of fresh) {
      for (const op of ops) {
        if (op.op === "add_link" || op.op === "remove_links" || op.op === "set_inputs" || op.op === "set_meta") {
          if (!touched) remember();
          touched = true;
        }
        if (op.op === "add_link") {
          const e = toFlowEdge(op.link);
          setEdges((es) => (es.some((x) => x.id === e.id) ? es : [...es, e]));
        } else if (op.op === "remove_links") {
          const gone = new Set(op.links.map(edgeId));
          setEdges((es) => es.filter((e) => !gone.has(e.id)));
        } else if (op.op === "set_inputs" || op.op === "set_meta") {
          setNodes((ns) =>
            ns.map((n) =>
              n.id !== op.node
                ? n
                : {
                    ...n,
                    data: {
                      ...n.data,
                      ...(op.op === "set_inputs" ? { input_default: op.input_default } : { metadata: { ...op.metadata, position: n.data.metadata.position } }),
                    },
                  },
            ),
          );
        } else if (op.op === "focus") {
          const n = nodesRef.current.find((x) => x.id === op.node);
          if (n) {
            setNodes((ns) => ns.map((x) => ({ ...x, selected: x.id === op.node })));
            flow.setCenter(n.position.x + NODE_WIDTH / 2, n.position.y + 60, { zoom: 1, duration: 200 });
          }
        }
      }
    }
  }, [command]);

  const addBlock = useCallback((blockId, position) => {
    const block = blockMap[blockId];
    if (!block || readOnly) return;
    let pos = position;
    if (!pos) {
      const box = wrapper.current ? wrapper.current.getBoundingClientRect() : { left: 0, top: 0, width: 800, height: 600 };
      pos = flow.screenToFlowPosition({ x: box.left + box.width / 2 - NODE_WIDTH / 2, y: box.top + box.height / 3 });
      pos = { x: pos.x + (nodesRef.current.length % 5) * 24, y: pos.y + (nodesRef.current.length % 5) * 24 };
    }
    const node = { id: crypto.randomUUID(), block_id: blockId, input_default: {}, metadata: { position: { x: Math.round(pos.x), y: Math.round(pos.y) } } };
    remember();
    setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), { ...toFlowNode(node), selected: true }]);
    send({ op: "add_nodes", nodes: [node], links: [] });
    send({ op: "select", node: node.id });
    selectedRef.current = node.id;
  }, [blockMap, readOnly, send, remember]);

  const copy = useCallback(() => {
    const chosen = nodesRef.current.filter((n) => n.selected);
    if (!chosen.length) return;
    const ids = new Set(chosen.map((n) => n.id));
    const clip = {
      nodes: chosen.map((n) => {
        const plain = fromFlowNode(n);
        // A credential reference stays with its agent: the person picks one again where they paste.
        const block = blockMap[plain.block_id];
        const creds = new Set(block ? block.inputs.filter((p) => p.credential).map((p) => p.name) : []);
        plain.input_default = Object.fromEntries(Object.entries(plain.input_default).filter(([k]) => !creds.has(k)));
        return plain;
      }),
      links: edgesRef.current.filter((e) => ids.has(e.source) && ids.has(e.target)).map(fromFlowEdge),
    };
    try {
      window.localStorage.setItem(CLIPBOARD_KEY, JSON.stringify(clip));
    } catch (e) {
      /* storage full or disabled: nothing to copy into */
    }
  }, [blockMap]);

  const paste = useCallback(() => {
    let clip;
    try {
      clip = JSON.parse(window.localStorage.getItem(CLIPBOARD_KEY) || "null");
    } catch (e) {
      clip = null;
    }
    if (!clip || !Array.isArray(clip.nodes) || !clip.nodes.length) return;
    const ids = {};
    const fresh = clip.nodes.map((n) => {
      ids[n.id] = crypto.randomUUID();
      const p = (n.metadata && n.metadata.position) || { x: 0, y: 0 };
      return { ...n, id: ids[n.id], metadata: { ...(n.metadata || {}), position: { x: p.x + 40, y: p.y + 40 } } };
    });
    const links = (clip.links || [])
      .filter((l) => ids[l.source_id] && ids[l.sink_id])
      .map((l) => ({ ...l, source_id: ids[l.source_id], sink_id: ids[l.sink_id] }));
    remember();
    setNodes((ns) => [...ns.map((n) => ({ ...n, selected: false })), ...fresh.map((n) => ({ ...toFlowNode(n), selected: true }))]);
    setEdges((es) => [...es, ...links.map(toFlowEdge)]);
    send({ op: "add_nodes", nodes: fresh, links });
  }, [send, remember]);

  const autoLayout = useCallback(() => {
    remember();
    const placed = layout(nodesRef.current, edgesRef.current, blockMap);
    setNodes(placed);
    send({ op: "move", positions: Object.fromEntries(placed.map((n) => [n.id, [n.position.x, n.position.y]])) });
    requestAnimationFrame(() => flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 }));
  }, [blockMap, send, remember]);

  // Keyboard: undo/redo, copy/paste (not while typing in a field).
  useEffect(() => {
    if (readOnly) return undefined;
    const onKey = (e) => {
      if (isTyping(e.target)) return;
      const mod = e.ctrlKey || e.metaKey;
      if (!mod) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) { e.preventDefault(); undo(); }
      else if ((key === "z" && e.shiftKey) || key === "y") { e.preventDefault(); redo(); }
      else if (key === "c") copy();
      else if (key === "v") { e.preventDefault(); paste(); }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [readOnly, undo, redo, copy, paste]);

  // Leaving with unsaved changes asks first: closing or reloading the tab (the browser's own
  // question), and any navigation inside the app — a link, the Back button — through the router.
  const guard = !readOnly && !!dirty;
  useEffect(() => {
    if (!guard) return undefined;
    const onUnload = (e) => { e.preventDefault(); e.returnValue = ""; };
    window.addEventListener("beforeunload", onUnload);
    return () => window.removeEventListener("beforeunload", onUnload);
  }, [guard]);
  const blocker = useBlocker(
    useCallback(
      ({ currentLocation, nextLocation }) =>
        guard &&
        currentLocation.pathname !== nextLocation.pathname &&
        // The first save of a new agent moves to its own address: nothing is left unsaved there.
        !(currentLocation.pathname.replace(/\/$/, "") === "/build" && nextLocation.pathname.startsWith("/build/")),
      [guard],
    ),
  );
  useEffect(() => {
    if (blocker.state !== "blocked") return;
    if (window.confirm("You have unsaved changes. Leave without saving them?")) blocker.proceed();
    else blocker.reset();
  }, [blocker]);

  const problemsByNode = useMemo(() => {
    const out = {};
    for (const p of problems || []) if (p.node_id) (out[p.node_id] = out[p.node_id] || []).push(p);
    return out;
  }, [problems]);
  const linked = useMemo(() => new Set(edges.map((e) => `${e.target}|${e.targetHandle}`)), [edges]);
  const ctx = useMemo(
    () => ({ blocks: blockMap, problems: problemsByNode, states: nodeStates || {}, linked, edges, readOnly, send }),
    [blockMap, problemsByNode, nodeStates, linked, edges, readOnly, send],
  );

  const onSelectionChange = useCallback(({ nodes: chosen }) => {
    const one = chosen.length === 1 ? chosen[0].id : null;
    if (one !== selectedRef.current) {
      selectedRef.current = one;
      send({ op: "select", node: one });
    }
  }, [send]);

  return (
    <CanvasContext.Provider value={ctx}>
      <style>{STYLE}</style>
      <div className="agpt-canvas" data-testid="builder-canvas" data-ready={ready ? "true" : "false"} data-read-only={readOnly ? "true" : "false"}>
        {readOnly ? null : <Palette blocks={blocks || []} onAdd={addBlock} />}
        {paletteFailed ? (
          <div className="agpt-phone-note" role="alert">The blocks could not be loaded: reload the page to try again.</div>
        ) : null}
        {phone && !props.readOnly ? (
          <div className="agpt-phone-note" role="note" data-testid="builder-phone-note">
            Building needs a larger screen: here the agent is read-only.
          </div>
        ) : null}
        <div
          className="agpt-flow"
          ref={wrapper}
          onDragOver={(e) => {
            if (e.dataTransfer.types.includes(DRAG_TYPE)) { e.preventDefault(); e.dataTransfer.dropEffect = "copy"; }
          }}
          onDrop={(e) => {
            const id = e.dataTransfer.getData(DRAG_TYPE);
            if (!id) return;
            e.preventDefault();
            const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
            addBlock(id, { x: at.x - 40, y: at.y - 20 });
          }}
        >
          <ReactFlow
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={onNodesChange}
            onEdgesChange={onEdgesChange}
            onNodeDragStart={readOnly ? undefined : () => remember()}
            onNodeDragStop={readOnly ? undefined : (_e, _n, moved) => {
              send({ op: "move", positions: Object.fromEntries(moved.map((n) => [n.id, [Math.round(n.position.x), Math.round(n.position.y)]])) });
            }}
            onBeforeDelete={async () => { remember(); return true; }}
            onDelete={({ nodes: ns, edges: es }) => send({ op: "delete", nodes: ns.map((n) => n.id), links: es.map(fromFlowEdge) })}
            onConnect={(c) => send({ op: "connect", link: { source_id: c.source, source_name: c.sourceHandle, sink_id: c.target, sink_name: c.targetHandle, is_static: false } })}
            onSelectionChange={onAction ? onSelectionChange : undefined}
            nodesDraggable={!readOnly}
            selectNodesOnDrag={false}
            nodesConnectable={!readOnly}
            elementsSelectable={!readOnly || !!onAction}
            deleteKeyCode={readOnly ? null : ["Delete", "Backspace"]}
            multiSelectionKeyCode={["Shift", "Meta", "Control"]}
            preventScrolling={!readOnly}
            zoomOnScroll={!readOnly}
            minZoom={0.1}
            maxZoom={2}
            defaultViewport={{ x: 40, y: 40, zoom: 1 }}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} size={1} />
            <Controls showInteractive={false} />
            {readOnly ? null : <MiniMap pannable zoomable ariaLabel="Overview of the agent" />}
            {readOnly ? null : (
              <Panel position="top-right">
                <div className="agpt-tools">
                  <button type="button" onClick={undo} disabled={historySize[0] === 0} data-testid="builder-undo" title="Undo (Ctrl+Z)">Undo</button>
                  <button type="button" onClick={redo} disabled={historySize[1] === 0} data-testid="builder-redo" title="Redo (Shift+Ctrl+Z)">Redo</button>
                  <button type="button" onClick={autoLayout} data-testid="builder-layout" title="Arrange the steps left to right">Auto-layout</button>
                  <button type="button" onClick={() => flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 })} data-testid="builder-fit">Fit view</button>
                </div>
              </Panel>
            )}
          </ReactFlow>
        </div>
      </div>
    </CanvasContext.Provider>
  );
}

export function AgentCanvas(props) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}
