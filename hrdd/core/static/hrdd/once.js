// The one-time key of a create form (hrdd.core.forms.OnceKeyInput). A browser puts back, when the person goes back
// to a page, only the boxes whose value differs from the one the page was drawn with; so the key's drawn value is
// made its current value only, and the form sent again carries the key it was first sent with. The server then
// leads to the record that sending created instead of creating a second. Without this script the key still stops
// a double click.
(function () {
  document.querySelectorAll('input[name="form_key"]').forEach(function (input) {
    var key = input.value;
    input.defaultValue = "";
    input.value = key;
  });
})();
