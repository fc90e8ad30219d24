// Every registered pass is listed with its summary, and the reference docs match the registry.
// RUN: autows-opt --list-passes | FileCheck %s
// CHECK: autows-cse  -  Merge graph, dataflow and memory operations that compute the same value
// CHECK-NEXT: report=<bool>
// CHECK: autows-dce  -  Remove graph, dataflow and memory operations whose results are unused
// CHECK: autows-verify  -  Check the rules of the graph, dataflow and memory dialects that IRDL cannot express

// RUN: autows-opt --print-pass-docs | diff -u %S/../../../docs/passes.md -
// RUN: autows-opt --print-dialect-docs | diff -u %S/../../../docs/dialects.md -
