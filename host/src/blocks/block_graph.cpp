#include "brick/host/blocks/block_graph.h"

#include <map>
#include <set>
#include <variant>
#include <vector>

#include "brick/host/blocks/conditional_blocks.h"
#include "brick/host/blocks/loop_blocks.h"

namespace brick::host {

namespace {

struct Graph {
  struct Node {
    std::string id, label;
  };
  struct Group {
    std::string id, label;
    std::vector<std::variant<size_t, size_t>> items;  // index 0: a node, 1: a group
  };
  struct Edge {
    std::string from, to;
    std::vector<std::string> values;
    bool feedback = false;
  };

  std::vector<Node> nodes;
  std::vector<Group> groups;  // groups[0] is the whole pipeline
  std::vector<Edge> edges;
  bool uses_inputs = false;

  using Producers = std::map<std::string, std::set<std::string>>;  // value -> producing node ids

  size_t add_node(size_t group, std::string label) {
    std::string id = "n";
    id += std::to_string(nodes.size());
    nodes.push_back({std::move(id), std::move(label)});
    groups[group].items.emplace_back(std::in_place_index<0>, nodes.size() - 1);
    return nodes.size() - 1;
  }
  size_t add_group(size_t parent, std::string label) {
    std::string id = "cluster_";
    id += std::to_string(groups.size());
    groups.push_back({std::move(id), std::move(label), {}});
    groups[parent].items.emplace_back(std::in_place_index<1>, groups.size() - 1);
    return groups.size() - 1;
  }
  void edge(const std::string& from, const std::string& to, const std::string& value, bool feedback = false) {
    for (Edge& e : edges) {
      if (e.from == from && e.to == to && e.feedback == feedback) {
        for (const std::string& v : e.values) {
          if (v == value) return;
        }
        e.values.push_back(value);
        return;
      }
    }
    edges.push_back({from, to, {value}, feedback});
  }
  void consume(const std::string& node, const std::string& value, const Producers& producers) {
    auto found = producers.find(value);
    if (found == producers.end() || found->second.empty()) {
      uses_inputs = true;
      edge("inputs", node, value);
      return;
    }
    for (const std::string& from : found->second) edge(from, node, value);
  }

  static std::string label_of(const std::string& name, const ModularPipelineBlocks& block) {
    return name + " (" + block.class_name() + ")";
  }

  // Walks `block` (named `name`) inside `group`, updating who produced what.
  void walk(const ModularPipelineBlocks& block, const std::string& name, size_t group, Producers& producers) {
    if (block.is_leaf()) {
      const std::string& id = nodes[add_node(group, label_of(name, block))].id;
      for (const std::string& input : block.input_names()) consume(id, input, producers);
      for (const std::string& output : block.intermediate_output_names()) producers[output] = {id};
      return;
    }
    if (const auto* conditional = dynamic_cast<const ConditionalPipelineBlocks*>(&block)) {
      size_t g =
          add_group(group, label_of(name, block) + (conditional->default_block_name() ? "" : " [may be skipped]"));
      Producers merged = producers;
      for (const auto& e : block.sub_blocks()) {
        Producers branch = producers;
        bool is_default = conditional->default_block_name() == e.name;
        walk(*e.block, e.name + (is_default ? " [default]" : ""), g, branch);
        for (auto& [value, ids] : branch) merged[value].insert(ids.begin(), ids.end());
      }
      // A value every branch (and so the block, when it cannot be skipped)
      // produces no longer comes from before it.
      if (conditional->default_block_name()) {
        for (auto& [value, ids] : merged) {
          bool all = true;
          for (const auto& e : block.sub_blocks()) {
            bool produces = false;
            for (const std::string& o : e.block->intermediate_output_names()) produces = produces || o == value;
            all = all && produces;
          }
          if (all && producers.count(value)) {
            for (const std::string& old : producers.at(value)) ids.erase(old);
          }
        }
      }
      producers = std::move(merged);
      return;
    }
    size_t g = add_group(group, label_of(name, block));
    const auto* loop = dynamic_cast<const LoopSequentialPipelineBlocks*>(&block);
    std::string head;  // the loop wrapper itself: it reads loop_inputs, writes loop outputs
    if (loop && !(loop->loop_inputs().empty() && loop->loop_intermediate_outputs().empty())) {
      head = nodes[add_node(g, "loop (" + block.class_name() + ")")].id;
      for (const InputParam& p : loop->loop_inputs()) {
        if (p.name) consume(head, *p.name, producers);
      }
    }
    size_t first_node = nodes.size();
    for (const auto& e : block.sub_blocks()) walk(*e.block, e.name, g, producers);
    if (!head.empty()) {
      for (const OutputParam& o : loop->loop_intermediate_outputs()) producers[o.name] = {head};
    }
    if (loop) {
      // Loop-carried values: read by a sub-block, written by it or a later one.
      std::vector<const ModularPipelineBlocks*> subs;
      for (const auto& e : block.sub_blocks()) subs.push_back(e.block.get());
      for (size_t i = 0; i < subs.size(); ++i) {
        for (const std::string& input : subs[i]->input_names()) {
          for (size_t j = i; j < subs.size(); ++j) {
            for (const std::string& output : subs[j]->intermediate_output_names()) {
              if (output == input) edge(nodes[first_node + j].id, nodes[first_node + i].id, input, true);
            }
          }
        }
      }
    }
  }

  static Graph of(const ModularPipelineBlocks& blocks) {
    Graph g;
    g.groups.push_back({"pipeline", blocks.class_name(), {}});
    Producers producers;
    if (blocks.is_leaf()) {
      g.walk(blocks, blocks.class_name(), 0, producers);
    } else {
      for (const auto& e : blocks.sub_blocks()) g.walk(*e.block, e.name, 0, producers);
    }
    for (const std::string& output : blocks.output_names()) g.consume("outputs", output, producers);
    return g;
  }
};

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

void dot_group(const Graph& g, size_t index, const std::string& indent, std::string& out) {
  for (const auto& item : g.groups[index].items) {
    if (item.index() == 0) {
      const Graph::Node& n = g.nodes[std::get<0>(item)];
      out += indent + n.id + " [label=" + quoted(n.label) + "];\n";
    } else {
      const Graph::Group& sub = g.groups[std::get<1>(item)];
      out += indent + "subgraph " + sub.id + " {\n" + indent + "  label=" + quoted(sub.label) + ";\n";
      dot_group(g, std::get<1>(item), indent + "  ", out);
      out += indent + "}\n";
    }
  }
}

void mermaid_group(const Graph& g, size_t index, const std::string& indent, std::string& out) {
  for (const auto& item : g.groups[index].items) {
    if (item.index() == 0) {
      const Graph::Node& n = g.nodes[std::get<0>(item)];
      out += indent + n.id + "[" + quoted(n.label) + "]\n";
    } else {
      const Graph::Group& sub = g.groups[std::get<1>(item)];
      out += indent + "subgraph " + sub.id + " [" + quoted(sub.label) + "]\n";
      mermaid_group(g, std::get<1>(item), indent + "  ", out);
      out += indent + "end\n";
    }
  }
}

}  // namespace

std::string block_graph_dot(const ModularPipelineBlocks& blocks) {
  Graph g = Graph::of(blocks);
  std::string out = "digraph pipeline {\n  label=" + quoted(blocks.class_name()) +
                    ";\n  rankdir=TB;\n  node [shape=box, style=rounded];\n";
  if (g.uses_inputs) out += "  inputs [shape=oval, label=\"inputs\"];\n";
  out += "  outputs [shape=oval, label=\"outputs\"];\n";
  dot_group(g, 0, "  ", out);
  for (const Graph::Edge& e : g.edges) {
    out += "  " + e.from + " -> " + e.to + " [label=" + quoted(joined(e.values)) +
           (e.feedback ? ", style=dashed, constraint=false" : "") + "];\n";
  }
  return out + "}\n";
}

std::string block_graph_mermaid(const ModularPipelineBlocks& blocks) {
  Graph g = Graph::of(blocks);
  std::string out = "flowchart TD\n";
  if (g.uses_inputs) out += "  inputs([inputs])\n";
  out += "  outputs([outputs])\n";
  mermaid_group(g, 0, "  ", out);
  for (const Graph::Edge& e : g.edges) {
    out += "  " + e.from + (e.feedback ? " -.->|" : " -->|") + quoted(joined(e.values)) + "| " + e.to + "\n";
  }
  return out;
}

}  // namespace brick::host
