// The appeal page: choosing a reply template fills the reply text (which stays editable).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("select[data-reply-templates]"), function (select) {
    select.addEventListener("change", function () {
      var option = select.options[select.selectedIndex];
      var text = select.form.querySelector("textarea[name=text]");
      if (option && option.dataset.text && text) { text.value = option.dataset.text; }
    });
  });
}());
