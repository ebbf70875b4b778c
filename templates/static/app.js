// "/" puts the cursor in the header's search box, as on GOV.UK and GitHub. Pages work
// without this script; it only adds the shortcut.
document.addEventListener("keydown", function (event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  var target = event.target;
  var tag = target && target.tagName;
  if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) {
    return;
  }
  var box = document.getElementById("header-search");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
