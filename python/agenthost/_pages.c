/* agenthost._pages: builds a listing's page as Python dicts straight from the C ABI's page views
 * (agenthost_session_page_view / _describe), with no JSON in between except one json.loads of all
 * the page's metadata objects together. It does not link libagenthost_c: bind() receives the
 * addresses of the two functions from the library ctypes loaded, so both always use one library.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "agenthost.h"

typedef agenthost_status (*view_fn)(const agenthost_session_page *, size_t,
                                    agenthost_session_view *);
typedef agenthost_status (*describe_fn)(const agenthost_session_page *,
                                        agenthost_session_page_meta *);

static view_fn page_view;
static describe_fn page_describe;
static PyObject *raise_status; /* a Python callable that raises the error of a status */
static PyObject *json_loads;

/* The keys, in the order of the page JSON. */
enum {
  K_ID,
  K_MODEL,
  K_STATUS,
  K_CREATED,
  K_UPDATED,
  K_TURNS,
  K_COST,
  K_PARENT,
  K_METADATA,
  K_SESSIONS,
  K_TOTAL,
  K_PAGE,
  K_PAGE_SIZE,
  K_NEXT,
  K_SKIPPED,
  K_CORRUPT,
  K_COUNT
};
static const char *const key_names[K_COUNT] = {
    "id",         "model",       "status",          "created_at",
    "updated_at", "total_turns", "total_cost_usd",  "parent_session_id",
    "metadata",   "sessions",    "total",           "page",
    "page_size",  "next_cursor", "skipped_corrupt", "corrupt_ids"};
static PyObject *keys[K_COUNT];

/* Raises the library's error for `status` (through raise_status); always returns NULL. */
static PyObject *fail(agenthost_status status) {
  PyObject *r = PyObject_CallFunction(raise_status, "i", (int)status);
  if (r != NULL) {
    Py_DECREF(r);
    PyErr_Format(PyExc_SystemError, "agenthost status %d raised nothing", (int)status);
  }
  return NULL;
}

/* Sets d[keys[k]] = value and drops the reference to value; -1 (exception set) on failure. */
static int put(PyObject *d, int k, PyObject *value) {
  if (value == NULL) return -1;
  const int r = PyDict_SetItem(d, keys[k], value);
  Py_DECREF(value);
  return r;
}

static PyObject *optional_text(const char *s, size_t len) {
  if (s == NULL) Py_RETURN_NONE;
  return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "strict");
}

/* One session's dict without its metadata, which sessions_list adds. */
static PyObject *session_dict(const agenthost_session_view *v) {
  PyObject *d = PyDict_New();
  if (d == NULL) return NULL;
  if (put(d, K_ID, PyUnicode_DecodeUTF8(v->id, (Py_ssize_t)v->id_len, "strict")) < 0 ||
      put(d, K_MODEL, PyUnicode_DecodeUTF8(v->model, (Py_ssize_t)v->model_len, "strict")) < 0 ||
      put(d, K_STATUS, PyUnicode_FromString(v->status)) < 0 ||
      put(d, K_CREATED, PyUnicode_FromString(v->created_at)) < 0 ||
      put(d, K_UPDATED, PyUnicode_FromString(v->updated_at)) < 0 ||
      put(d, K_TURNS, PyLong_FromLongLong(v->total_turns)) < 0 ||
      put(d, K_COST,
          v->has_total_cost_usd ? PyFloat_FromDouble(v->total_cost_usd)
                                : (Py_INCREF(Py_None), Py_None)) < 0 ||
      put(d, K_PARENT, optional_text(v->parent_session_id, v->parent_session_id_len)) < 0) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

/* "[m0,m1,...]" of the metadata texts (null where absent), as bytes for one json.loads. */
static PyObject *metadata_array(const agenthost_session_page *page, size_t count) {
  size_t size = 2;
  for (size_t i = 0; i < count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    const agenthost_status st = page_view(page, i, &v);
    if (st != AGENTHOST_OK) return fail(st);
    size += (v.metadata_json == NULL ? 4 : v.metadata_json_len) + 1;
  }
  PyObject *bytes = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)size);
  if (bytes == NULL) return NULL;
  char *out = PyBytes_AS_STRING(bytes);
  *out++ = '[';
  for (size_t i = 0; i < count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    page_view(page, i, &v); /* succeeded above; a page is immutable */
    if (i > 0) *out++ = ',';
    const char *text = v.metadata_json == NULL ? "null" : v.metadata_json;
    const size_t len = v.metadata_json == NULL ? 4 : v.metadata_json_len;
    memcpy(out, text, len);
    out += len;
  }
  *out++ = ']';
  if (_PyBytes_Resize(&bytes, out - PyBytes_AS_STRING(bytes)) < 0) return NULL;
  return bytes;
}

static PyObject *sessions_list(const agenthost_session_page *page, size_t count) {
  PyObject *texts = metadata_array(page, count);
  if (texts == NULL) return NULL;
  PyObject *metadata = PyObject_CallOneArg(json_loads, texts);
  Py_DECREF(texts);
  if (metadata == NULL) return NULL;
  if (!PyList_Check(metadata) || PyList_GET_SIZE(metadata) != (Py_ssize_t)count) {
    Py_DECREF(metadata);
    PyErr_SetString(PyExc_SystemError, "agenthost: the page's metadata did not read back");
    return NULL;
  }
  PyObject *list = PyList_New((Py_ssize_t)count);
  for (size_t i = 0; list != NULL && i < count; ++i) {
    agenthost_session_view v;
    v.struct_size = sizeof v;
    const agenthost_status st = page_view(page, i, &v);
    PyObject *d = st == AGENTHOST_OK ? session_dict(&v) : fail(st);
    PyObject *m = PyList_GET_ITEM(metadata, (Py_ssize_t)i);
    if (d == NULL || put(d, K_METADATA, Py_NewRef(m)) < 0) {
      Py_XDECREF(d);
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, (Py_ssize_t)i, d);
  }
  Py_DECREF(metadata);
  return list;
}

static PyObject *corrupt_list(const agenthost_session_page_meta *m) {
  PyObject *list = PyList_New((Py_ssize_t)m->corrupt_id_count);
  for (size_t i = 0; list != NULL && i < m->corrupt_id_count; ++i) {
    PyObject *id =
        PyUnicode_DecodeUTF8(m->corrupt_ids[i], (Py_ssize_t)strlen(m->corrupt_ids[i]), "replace");
    if (id == NULL) {
      Py_CLEAR(list);
      break;
    }
    PyList_SET_ITEM(list, (Py_ssize_t)i, id);
  }
  return list;
}

/* page_dict(address of an agenthost_session_page) -> the page as agenthost_session_page_json
 * writes it, parsed. */
static PyObject *page_dict(PyObject *self, PyObject *arg) {
  (void)self;
  if (page_view == NULL) {
    PyErr_SetString(PyExc_RuntimeError, "agenthost._pages: bind() was not called");
    return NULL;
  }
  const agenthost_session_page *page = PyLong_AsVoidPtr(arg);
  if (page == NULL) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_ValueError, "agenthost._pages: a NULL page");
    return NULL;
  }
  agenthost_session_page_meta m;
  m.struct_size = sizeof m;
  const agenthost_status st = page_describe(page, &m);
  if (st != AGENTHOST_OK) return fail(st);
  PyObject *d = PyDict_New();
  if (d == NULL) return NULL;
  if (put(d, K_SESSIONS, sessions_list(page, m.count)) < 0 ||
      put(d, K_TOTAL, PyLong_FromUnsignedLongLong(m.total)) < 0 ||
      put(d, K_PAGE, PyLong_FromUnsignedLong(m.page)) < 0 ||
      put(d, K_PAGE_SIZE, PyLong_FromUnsignedLong(m.page_size)) < 0 ||
      put(d, K_NEXT, optional_text(m.next_cursor, m.next_cursor ? strlen(m.next_cursor) : 0)) < 0 ||
      put(d, K_SKIPPED, PyLong_FromUnsignedLongLong(m.skipped_corrupt)) < 0 ||
      put(d, K_CORRUPT, corrupt_list(&m)) < 0) {
    Py_DECREF(d);
    return NULL;
  }
  return d;
}

/* bind(view address, describe address, raise_status) */
static PyObject *bind(PyObject *self, PyObject *args) {
  (void)self;
  PyObject *view, *describe, *check;
  if (!PyArg_ParseTuple(args, "OOO:bind", &view, &describe, &check)) return NULL;
  void *v = PyLong_AsVoidPtr(view);
  if (PyErr_Occurred()) return NULL;
  void *d = PyLong_AsVoidPtr(describe);
  if (PyErr_Occurred()) return NULL;
  if (v == NULL || d == NULL || !PyCallable_Check(check)) {
    PyErr_SetString(PyExc_ValueError, "agenthost._pages.bind: NULL function or no callable");
    return NULL;
  }
  page_view = (view_fn)v;
  page_describe = (describe_fn)d;
  Py_INCREF(check);
  Py_XSETREF(raise_status, check);
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"bind", bind, METH_VARARGS, "bind(view_address, describe_address, raise_status)"},
    {"page_dict", page_dict, METH_O, "page_dict(page_address) -> dict"},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT,
                                    "agenthost._pages",
                                    "Session pages as dicts from the C ABI's page views.",
                                    -1,
                                    methods,
                                    NULL,
                                    NULL,
                                    NULL,
                                    NULL};

PyMODINIT_FUNC PyInit__pages(void) {
  PyObject *json = PyImport_ImportModule("json");
  if (json == NULL) return NULL;
  json_loads = PyObject_GetAttrString(json, "loads");
  Py_DECREF(json);
  if (json_loads == NULL) return NULL;
  for (int k = 0; k < K_COUNT; ++k) {
    keys[k] = PyUnicode_InternFromString(key_names[k]);
    if (keys[k] == NULL) return NULL;
  }
  return PyModule_Create(&module);
}
